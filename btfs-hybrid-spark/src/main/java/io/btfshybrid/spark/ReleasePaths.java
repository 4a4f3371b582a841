package io.btfshybrid.spark;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names: {@code DATASET@VERSION} to a manifest address, and a shard to its row path {@code
 * btfs-hybrid://<dataset>/<version>/<shard path>} and back.
 */
final class ReleasePaths {
  /** The URI scheme of row paths and of the Hadoop file system. */
  static final String SCHEME = "btfs-hybrid";

  private static final String NAME = "[A-Za-z0-9][A-Za-z0-9._+-]*";
  private static final Pattern RELEASE = Pattern.compile("(" + NAME + ")@(" + NAME + ")");

  private ReleasePaths() {}

  /** The manifest address {@code text} names: DATASET@VERSION, a URI or a local manifest file. */
  static URI manifestUri(String text) {
    Matcher release = RELEASE.matcher(text);
    if (release.matches()) {
      return release(release.group(1), release.group(2));
    }
    if (text.contains("://") || text.startsWith("file:")) {
      try {
        return URI.create(text);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "option 'manifest' = '" + text + "' is not a valid URI: " + e.getMessage(), e);
      }
    }
    if (Files.isRegularFile(Path.of(text))) {
      return Path.of(text).toAbsolutePath().toUri();
    }
    throw new IllegalArgumentException(
        "option 'manifest' = '"
            + text
            + "' is neither DATASET@VERSION, a manifest URI nor an existing manifest file");
  }

  /** The manifest address of {@code dataset@version}. */
  static URI release(String dataset, String version) {
    return URI.create(SCHEME + "://manifests/" + dataset + "/" + version + ".json");
  }

  /** The row path of shard {@code shardPath} of {@code dataset@version}. */
  static String rowPath(String dataset, String version, String shardPath) {
    return SCHEME + "://" + dataset + "/" + version + "/" + shardPath;
  }
}
