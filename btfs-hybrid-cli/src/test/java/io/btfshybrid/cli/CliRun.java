package io.btfshybrid.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * One run of the command line in this JVM, with what it printed; shared with btfs-hybrid-demo's
 * tests through this module's test jar.
 */
public record CliRun(int code, String out, String err) {
  /** Runs {@code btfs-hybrid args…} through {@link Main#run}, capturing both streams. */
  public static CliRun run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new CliRun(code, out.toString(), err.toString());
  }
}
