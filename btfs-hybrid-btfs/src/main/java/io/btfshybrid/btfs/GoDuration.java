package io.btfshybrid.btfs;

import java.time.Duration;

/**
 * Formats durations the way Go's {@code time.ParseDuration} (the {@code timeout} option) reads
 * them.
 */
final class GoDuration {
  private GoDuration() {}

  static String format(Duration d) {
    long millis = Math.max(1, d.toMillis());
    return millis % 1000 == 0 ? (millis / 1000) + "s" : millis + "ms";
  }
}
