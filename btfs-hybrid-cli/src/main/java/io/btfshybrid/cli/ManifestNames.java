package io.btfshybrid.cli;

import io.btfshybrid.api.StorageTierFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names people type for a release: {@code DATASET@VERSION}, {@code DATASET} (its latest
 * pointer), a {@code btfs-hybrid://} or tier URI, or a local manifest file.
 */
final class ManifestNames {
  private static final String SCHEME = "btfs-hybrid";
  private static final String NAME = "[A-Za-z0-9][A-Za-z0-9._+-]*";
  private static final Pattern RELEASE = Pattern.compile("(" + NAME + ")@(" + NAME + ")");
  private static final Pattern DATASET = Pattern.compile(NAME);

  private ManifestNames() {}

  /** Refuses a scheme no tier serves, suggesting the nearest that one does. */
  private static void checkScheme(URI uri) {
    List<String> known = new ArrayList<>(List.of(SCHEME, "file"));
    StorageTierFactory.available().forEach(f -> known.addAll(f.schemes()));
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!known.contains(scheme)) {
      String nearest = ConfigKeys.nearest(scheme, known);
      throw new ConfigException(
          "unknown scheme '"
              + Untrusted.escape(scheme)
              + "' in '"
              + Untrusted.escape(uri.toString())
              + "'"
              + (nearest == null ? "" : " (did you mean '" + nearest + "'?)")
              + "; known schemes: "
              + String.join(", ", known));
    }
  }

  static URI parse(String text) {
    if (text.contains("://") || text.startsWith("file:")) {
      URI uri;
      try {
        uri = URI.create(text);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(
            "'" + Untrusted.escape(text) + "' is not a valid manifest URI: " + e.getMessage());
      }
      checkScheme(uri);
      return uri;
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
