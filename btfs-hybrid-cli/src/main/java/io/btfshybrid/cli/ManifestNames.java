package io.btfshybrid.cli;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names people type for a release: {@code DATASET@VERSION}, {@code DATASET} (its latest
 * pointer), a {@code btfs-hybrid://} or tier URI, or a local manifest file.
 */
final class ManifestNames {
  private static final String NAME = "[A-Za-z0-9][A-Za-z0-9._+-]*";
  private static final Pattern RELEASE = Pattern.compile("(" + NAME + ")@(" + NAME + ")");
  private static final Pattern DATASET = Pattern.compile(NAME);

  private ManifestNames() {}

  static URI parse(String text) {
    if (text.contains("://") || text.startsWith("file:")) {
      try {
        return URI.create(text);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(
            "'" + Untrusted.escape(text) + "' is not a valid manifest URI: " + e.getMessage());
      }
    }
    Path p = Path.of(text);
    if (Files.isRegularFile(p)) {
      return p.toAbsolutePath().toUri();
    }
    Matcher release = RELEASE.matcher(text);
    if (release.matches()) {
      return URI.create(
          "btfs-hybrid://manifests/" + release.group(1) + "/" + release.group(2) + ".json");
    }
    if (DATASET.matcher(text).matches()) {
      return URI.create("btfs-hybrid://manifests/" + text + "/latest.json");
    }
    throw new ConfigException(
        "'"
            + Untrusted.escape(text)
            + "' is neither DATASET@VERSION, DATASET, a btfs-hybrid:// address nor an existing"
            + " manifest file");
  }
}
