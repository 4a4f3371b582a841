package io.btfshybrid.cli;

import io.btfshybrid.core.config.UntrustedText;

/**
 * Text that came from a tier, a manifest or a server, made safe for a terminal: control characters
 * (ESC, BEL, CR, LF, DEL and the C1 range) are printed as {@code \x1b}-style escapes, so a hostile
 * file name or error body cannot move the cursor, retitle the window or forge an output line.
 */
final class Untrusted {
  private Untrusted() {}

  static String escape(String text) {
    return UntrustedText.escape(text);
  }
}
