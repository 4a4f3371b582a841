package io.btfshybrid.core;

import io.btfshybrid.api.DatasetManifest;
import io.btfshybrid.api.ManifestRejectedException;
import io.btfshybrid.api.ManifestRejectedException.Reason;
import java.net.URI;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tier-independent addresses, looked up on every tier that can find objects by key, so no single
 * tier is needed to open a release:
 *
 * <ul>
 *   <li>{@code btfs-hybrid://manifests/<dataset>/<version>.json}: revision 1 of a release;
 *   <li>{@code btfs-hybrid://manifests/<dataset>/<version>/r<n>.json}: revision n ≥ 2 (same shards,
 *       e.g. the data key re-wrapped by a key rotation);
 *   <li>{@code btfs-hybrid://manifests/<dataset>/latest.json}: the dataset's signed latest pointer
 *       ({@code latest} is therefore not a valid version).
 * </ul>
 *
 * Every document at these keys is write-once except the latest pointer. A manifest address may be
 * pinned to a manifest hash with {@code ?sha256=<hex>}.
 */
final class ManifestUris {
  static final String SCHEME = "btfs-hybrid";
  static final String LATEST = "latest";
  private static final Pattern LATEST_KEY = Pattern.compile("manifests/([^/]+)/latest\\.json");

  /** A release's manifest key at the end of a path: revision 1, or revision n under the version. */
  private static final Pattern RELEASE_KEY_AT_END =
      Pattern.compile("(?:^|/)(manifests/([^/]+)/([^/]+?)(?:\\.json|/r([0-9]{1,9})\\.json))$");

  private ManifestUris() {}

  static String manifestKey(String datasetId, String version) {
    return "manifests/" + datasetId + "/" + version + ".json";
  }

  /** The storage key of a manifest revision (revision 1 keeps the original key). */
  static String manifestKey(String datasetId, String version, int revision) {
    return revision <= DatasetManifest.FIRST_REVISION
        ? manifestKey(datasetId, version)
        : "manifests/" + datasetId + "/" + version + "/r" + revision + ".json";
  }

  static String manifestKey(DatasetManifest m) {
    return manifestKey(m.datasetId(), m.version(), m.revision());
  }

  static String latestKey(String datasetId) {
    return "manifests/" + datasetId + "/" + LATEST + ".json";
  }

  static URI latestUri(String datasetId) {
    return URI.create(SCHEME + "://" + latestKey(datasetId));
  }

  /** The dataset whose latest pointer {@code key} names, if it names one. */
  static Optional<String> latestDataset(String key) {
    Matcher m = LATEST_KEY.matcher(key);
    return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
  }

  static URI releaseUri(String datasetId, String version, String sha256) {
    return uriOf(manifestKey(datasetId, version), sha256);
  }

  static URI uriOf(String key, String sha256) {
    return URI.create(SCHEME + "://" + key + "?sha256=" + sha256);
  }

  static boolean isLogical(URI uri) {
    return SCHEME.equals(uri.getScheme());
  }

  /** The storage key a logical URI names. */
  static String keyOf(URI uri) throws ManifestRejectedException {
    String host = uri.getHost();
    String path = uri.getPath();
    if (host == null
        || path == null
        || path.length() < 2
        || ShardPaths.problem(host + path).isPresent()) {
      throw new ManifestRejectedException(
          Reason.MALFORMED, "'" + uri + "' is not a btfs-hybrid://<key> manifest address");
    }
    return host + path;
  }

  /**
   * The manifest key a URI of any scheme names, when its path ends in one ({@code
   * …/manifests/<dataset>/<version>.json} or {@code …/<version>/r<n>.json}), written canonically
   * (so {@code r1} names revision 1's key). A latest pointer's key names no release.
   */
  static Optional<String> releaseKeyIn(URI uri) {
    String path = uri.getPath();
    if (path == null) {
      return Optional.empty();
    }
    Matcher m = RELEASE_KEY_AT_END.matcher(path);
    if (!m.find() || (m.group(4) == null && LATEST.equals(m.group(3)))) {
      return Optional.empty();
    }
    int revision =
        m.group(4) == null ? DatasetManifest.FIRST_REVISION : Integer.parseInt(m.group(4));
    return Optional.of(manifestKey(m.group(2), m.group(3), revision));
  }

  /** The manifest hash a URI pins, if any. */
  static Optional<String> pinOf(URI uri) throws ManifestRejectedException {
    String query = uri.getRawQuery();
    if (query == null) {
      return Optional.empty();
    }
    for (String part : com.google.common.base.Splitter.on('&').split(query)) {
      if (part.startsWith("sha256=")) {
        String hex = part.substring("sha256=".length()).toLowerCase(java.util.Locale.ROOT);
        if (!Digests.isSha256Hex(hex)) {
          throw new ManifestRejectedException(
              Reason.MALFORMED, "pinned hash '" + hex + "' in '" + uri + "' is not SHA-256 hex");
        }
        return Optional.of(hex);
      }
    }
    return Optional.empty();
  }
}
