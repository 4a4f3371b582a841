package io.btfshybrid.cli;

import io.btfshybrid.core.config.ConfigurationException;
import io.btfshybrid.core.config.Sizes;
import java.util.Locale;

/**
 * Sizes and rates as people read and write them (binary units), for every command, including a
 * {@link Subcommand} from another module.
 */
public final class Human {
  private Human() {}

  /** Formats a byte count, e.g. {@code 1.5 MiB}. */
  public static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /** Formats a transfer rate in decimal megabytes per second, e.g. {@code 412 MB/s}. */
  public static String rate(long bytes, long nanos) {
    double perSecond = nanos <= 0 ? 0 : bytes / (nanos / 1e9);
    return String.format(Locale.ROOT, "%.0f MB/s", perSecond / 1e6);
  }

  /**
   * Parses sizes such as {@code 20GiB}, {@code 512MiB}, {@code 1048576}; text that is not a size
   * fails with an unchecked exception naming it, which a command turns into exit code 2 (usage).
   */
  public static long parseSize(String text) {
    try {
      return Sizes.parse(text);
    } catch (ConfigurationException e) {
      throw new ConfigException(e.getMessage(), e);
    }
  }
}
