package io.btfshybrid.cli;

import java.util.Locale;

/** Human-readable sizes and rates (binary units). */
final class Human {
  private Human() {}

  static String bytes(long n) {
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

  static String rate(long bytes, long nanos) {
    double perSecond = nanos <= 0 ? 0 : bytes / (nanos / 1e9);
    return String.format(Locale.ROOT, "%.0f MB/s", perSecond / 1e6);
  }
}
