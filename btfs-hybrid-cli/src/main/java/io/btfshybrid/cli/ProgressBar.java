package io.btfshybrid.cli;

import io.btfshybrid.core.DatasetPublisher;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Bytes, rate and ETA on one terminal line, redrawn at most five times a second as bytes move (also
 * within a file); silent when output is not a terminal or with {@code --json}.
 */
final class ProgressBar implements DatasetPublisher.ProgressListener {
  private static final long REDRAW_NANOS = 200_000_000L;

  private final PrintWriter err;
  private final boolean enabled;
  private final LongSupplier clock;
  private final long started;
  private long lastDraw;
  private long total;
  private long done;
  private boolean drawn;

  ProgressBar(PrintWriter err, boolean enabled, LongSupplier clock) {
    this.err = err;
    this.enabled = enabled;
    this.clock = clock;
    this.started = clock.getAsLong();
    this.lastDraw = started - REDRAW_NANOS; // the first advance draws
  }

  /** A bar on stderr when both stdout and stderr are a terminal and {@code json} is off. */
  static ProgressBar forTerminal(PrintWriter err, boolean json) {
    return new ProgressBar(err, !json && isTerminal(), System::nanoTime);
  }

  @SuppressWarnings("SystemConsoleNull") // on Java 17 a null console means exactly "not a terminal"
  private static boolean isTerminal() {
    if (System.console() == null) {
      return false; // stdin or stdout is not a terminal
    }
    try {
      Path fd2 = Path.of("/proc/self/fd/2");
      if (Files.exists(fd2)) {
        String target = Files.readSymbolicLink(fd2).toString();
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
      }
    } catch (java.io.IOException | UnsupportedOperationException e) {
      return true; // cannot tell for stderr; the console says stdout is a terminal
    }
    return true;
  }

  /** The whole transfer's size, before the first {@link #advance}. */
  void total(long bytes) {
    this.total = bytes;
  }

  /** {@code bytes} more were transferred. */
  void advance(long bytes) {
    done += bytes;
    draw("copy");
  }

  @Override
  public void progress(String phase, long doneBytes, long totalBytes) {
    this.done = doneBytes;
    this.total = totalBytes;
    draw(phase);
  }

  private void draw(String phase) {
    long now = clock.getAsLong();
    if (!enabled || (now - lastDraw < REDRAW_NANOS && done < total)) {
      return;
    }
    lastDraw = now;
    err.print("\r" + line(phase, now) + "   ");
    err.flush();
    drawn = true;
  }

  /** The text of one redraw, e.g. {@code copy 13.9 MiB / 323.9 MiB 41 MB/s ETA 7s}. */
  String line(String phase, long now) {
    long elapsed = Math.max(1, now - started);
    double rate = done / (elapsed / 1e9);
    String eta = rate <= 0 ? "?" : ((long) Math.ceil(Math.max(0, total - done) / rate)) + "s";
    return String.format(
        Locale.ROOT,
        "%-6s %s / %s  %s  ETA %s",
        phase,
        Human.bytes(done),
        Human.bytes(total),
        Human.rate(done, elapsed),
        eta);
  }

  /** Ends the bar's line, so the next output starts on a fresh one. */
  void finish() {
    if (drawn) {
      err.println();
      drawn = false;
    }
  }
}
