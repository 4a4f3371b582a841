package io.btfshybrid.core;

import java.util.Optional;

/** Rules for shard paths in a manifest: relative, forward slashes, no traversal. */
final class ShardPaths {
  private static final int MAX_PATH_LENGTH = 1024;

  private ShardPaths() {}

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
