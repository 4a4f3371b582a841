package io.btfshybrid.core;

import java.text.Normalizer;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Rules for shard paths in a manifest: relative, forward slashes, no traversal. */
final class ShardPaths {
  private static final int MAX_PATH_LENGTH = 1024;

  /** Windows reserved device names, with or without an extension, in any case. */
  private static final Pattern DEVICE_NAME =
      Pattern.compile("(?i)(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])(\\..*)?");

  private ShardPaths() {}

  /**
   * Why a shard path is not portable, for publishing: a bidi control character (which makes a name
   * display as another), a Windows device name, or a {@code :} (an NTFS alternate data stream);
   * empty when it is portable.
   */
  static Optional<String> portabilityProblem(String path) {
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if ((c >= '\u202A' && c <= '\u202E')
          || (c >= '\u2066' && c <= '\u2069')
          || c == '\u200E'
          || c == '\u200F') {
        return Optional.of(
            String.format(
                Locale.ROOT, "bidi control character U+%04X at index %d of the path", (int) c, i));
      }
    }
    if (path.indexOf(':') >= 0) {
      return Optional.of("':' in the path (an alternate data stream on Windows)");
    }
    for (String segment : path.split("/", -1)) {
      if (DEVICE_NAME.matcher(segment).matches()) {
        return Optional.of("'" + segment + "' is a Windows device name");
      }
    }
    return Optional.empty();
  }

  /**
   * The first two paths (in order) that name the same file on a case-insensitive or
   * normalisation-insensitive file system, as {@code [earlier, later, reason]}; a file whose path
   * is also another path's directory counts too.
   */
  static Optional<List<String>> collision(List<String> paths) {
    Map<String, String> seen = new HashMap<>();
    for (String path : paths) {
      String folded = fold(path);
      String earlier = seen.putIfAbsent(folded, path);
      if (earlier != null && !earlier.equals(path)) {
        return Optional.of(twins(earlier, path));
      }
    }
    for (String path : paths) {
      for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
        String file = seen.get(fold(path.substring(0, slash)));
        if (file != null) {
          return Optional.of(twins(file, path));
        }
      }
    }
    return Optional.empty();
  }

  private static List<String> twins(String earlier, String later) {
    return List.of(
        earlier,
        later,
        "it differs from '"
            + earlier
            + "' only by case or Unicode normalisation; both would be one file on macOS or"
            + " Windows");
  }

  private static String fold(String path) {
    return Normalizer.normalize(path, Normalizer.Form.NFC)
        .toUpperCase(Locale.ROOT)
        .toLowerCase(Locale.ROOT);
  }

  /** Why {@code path} is unsafe, or empty when it is a safe relative path. */
  static Optional<String> problem(String path) {
    if (path == null || path.isEmpty()) {
      return Optional.of("empty path");
    }
    if (path.length() > MAX_PATH_LENGTH) {
      return Optional.of("path longer than " + MAX_PATH_LENGTH + " characters");
    }
    if (path.indexOf('\\') >= 0) {
      return Optional.of("backslash in path '" + path + "'");
    }
    if (path.startsWith("/") || (path.length() > 1 && path.charAt(1) == ':')) {
      return Optional.of("absolute path '" + path + "'");
    }
    for (int i = 0; i < path.length(); i++) {
      if (Character.isISOControl(path.charAt(i))) {
        return Optional.of(
            "control character in path '" + path.replaceAll("\\p{Cntrl}", "?") + "'");
      }
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty()) {
        return Optional.of("empty segment in path '" + path + "'");
      }
      if (segment.equals("..") || segment.equals(".")) {
        return Optional.of("'" + segment + "' segment in path '" + path + "'");
      }
    }
    return Optional.empty();
  }

  /** Checks an identifier (dataset id, version, tier id) that becomes part of a storage key. */
  static String checkName(String what, String value) {
    if (value == null || !value.matches("[A-Za-z0-9][A-Za-z0-9._+-]{0,127}")) {
      throw new IllegalArgumentException(
          what
              + " '"
              + value
              + "' is invalid: use 1-128 letters, digits, '.', '_', '+' or '-', starting with a"
              + " letter or digit");
    }
    return value;
  }
}
