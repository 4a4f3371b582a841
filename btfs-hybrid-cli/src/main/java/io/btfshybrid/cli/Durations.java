package io.btfshybrid.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations such as {@code 30d}, {@code 12h}, {@code 90m}, {@code 45s}. */
final class Durations {
  private static final Pattern FORMAT = Pattern.compile("(\\d+)([dhms])");

  private Durations() {}

  static Duration parse(String text) {
    Matcher m = FORMAT.matcher(text.trim());
    if (!m.matches()) {
      throw new ConfigException(
          "duration '" + text + "' is not a number followed by d, h, m or s (e.g. 30d)");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "d" -> Duration.ofDays(n);
      case "h" -> Duration.ofHours(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofSeconds(n);
    };
  }
}
