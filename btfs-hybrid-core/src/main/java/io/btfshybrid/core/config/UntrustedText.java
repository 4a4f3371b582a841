package io.btfshybrid.core.config;

/**
 * Text that came from a tier, a manifest or a server, made safe for a terminal: control characters
 * (ESC, BEL, CR, LF, DEL and the C1 range) are printed as {@code \x1b}-style escapes, so a hostile
 * file name or error body cannot move the cursor, retitle the window or forge an output line.
 */
public final class UntrustedText {
  private UntrustedText() {}

  /** {@code text} with its control characters escaped; {@code "null"} for null. */
  public static String escape(String text) {
    if (text == null) {
      return "null";
    }
    StringBuilder sb = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean control = c < 0x20 || (c >= 0x7f && c <= 0x9f);
      if (control && sb == null) {
        sb = new StringBuilder(text.length() + 8).append(text, 0, i);
      }
      if (sb != null) {
        if (control) {
          sb.append(String.format(java.util.Locale.ROOT, "\\x%02x", (int) c));
        } else {
          sb.append(c);
        }
      }
    }
    return sb == null ? text : sb.toString();
  }
}
