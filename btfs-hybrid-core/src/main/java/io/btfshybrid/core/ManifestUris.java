package io.btfshybrid.core;

import io.btfshybrid.api.ManifestRejectedException;
import io.btfshybrid.api.ManifestRejectedException.Reason;
import java.net.URI;
import java.util.Optional;

/**
 * Tier-independent release addresses: {@code btfs-hybrid://manifests/<dataset>/<version>.json},
 * optionally pinned to a manifest hash with {@code ?sha256=<hex>}. The client looks the key up on
 * every tier that can find objects by key, so no single tier is needed to open a release.
 */
final class ManifestUris {
  static final String SCHEME = "btfs-hybrid";

  private ManifestUris() {}

  static String manifestKey(String datasetId, String version) {
    return "manifests/" + datasetId + "/" + version + ".json";
  }

  static URI releaseUri(String datasetId, String version, String sha256) {
    return URI.create(SCHEME + "://" + manifestKey(datasetId, version) + "?sha256=" + sha256);
  }

  static boolean isLogical(URI uri) {
    return SCHEME.equals(uri.getScheme());
  }

  /** The storage key a logical URI names. */
  static String keyOf(URI uri) throws ManifestRejectedException {
    String host = uri.getHost();
    String path = uri.getPath();
    if (host == null || path == null || path.length() < 2 || ShardPaths.problem(host + path).isPresent()) {
      throw new ManifestRejectedException(
          Reason.MALFORMED, "'" + uri + "' is not a btfs-hybrid://<key> manifest address");
    }
    return host + path;
  }

  /** The manifest hash a URI pins, if any. */
  static Optional<String> pinOf(URI uri) throws ManifestRejectedException {
    String query = uri.getRawQuery();
    if (query == null) {
      return Optional.empty();
    }
    for (String part : query.split("&")) {
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
