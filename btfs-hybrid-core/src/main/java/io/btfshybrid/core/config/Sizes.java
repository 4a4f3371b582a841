package io.btfshybrid.core.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte sizes as people write them in configuration: {@code 20GiB}, {@code 512MiB}, {@code 1048576}.
 */
public final class Sizes {
  private static final Pattern SIZE =
      Pattern.compile("(\\d+)\\s*([KMGT]i?B?|B)?", Pattern.CASE_INSENSITIVE);

  private Sizes() {}

  /** The number of bytes {@code text} names (binary units), or an error naming the text. */
  public static long parse(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw new ConfigurationException(
          "size '" + text + "' is not a number with an optional unit (KiB, MiB, GiB, TiB)");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
    int shift =
        switch (unit.charAt(0)) {
          case 'K' -> 10;
          case 'M' -> 20;
          case 'G' -> 30;
          case 'T' -> 40;
          default -> 0;
        };
    return n << shift;
  }
}
