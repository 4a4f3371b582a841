package io.btfshybrid.api;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration grammar of configuration files and the command line: a whole number and a unit
 * ({@code 1500ms}, {@code 45s}, {@code 90m}, {@code 12h}, {@code 30d}), or ISO-8601 ({@code
 * PT1M30S}).
 */
public final class Durations {
  private static final Pattern SIMPLE = Pattern.compile("(\\d{1,18})(ms|s|m|h|d)");

  private Durations() {}

  /** Parses {@code text}, or throws {@link IllegalArgumentException} naming it. */
  public static Duration parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("duration is missing (e.g. 30s, 1500ms, 12h, 30d)");
    }
    String t = text.trim();
    Matcher m = SIMPLE.matcher(t);
    try {
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
      }
      if (t.startsWith("P") || t.startsWith("p")) {
        Duration d = Duration.parse(t);
        if (!d.isNegative()) {
          return d;
        }
      }
    } catch (DateTimeParseException | ArithmeticException e) {
      // falls through to the error naming the value
    }
    throw new IllegalArgumentException(
        "duration '"
            + text
            + "' is not a whole number followed by ms, s, m, h or d (e.g. 30s, 1500ms, 30d) nor"
            + " an ISO-8601 duration (e.g. PT1M)");
  }
}
