package io.btfshybrid.cli;

import io.btfshybrid.core.DatasetPublisher;
import java.io.PrintWriter;

/** Bytes, rate and ETA on one terminal line, redrawn at most a few times a second. */
final class ProgressBar implements DatasetPublisher.ProgressListener {
  private final PrintWriter err;
  private final long started = System.nanoTime();

  @SuppressWarnings("SystemConsoleNull") // on Java 17 a null console means exactly "not a terminal"
  private final boolean terminal = System.console() != null;

  private long lastDraw;

  ProgressBar(PrintWriter err) {
    this.err = err;
  }

  @Override
  public void progress(String phase, long done, long total) {
    long now = System.nanoTime();
    if (!terminal || (now - lastDraw < 200_000_000L && done < total)) {
      return;
    }
    lastDraw = now;
    double secs = Math.max(1e-3, (now - started) / 1e9);
    double rate = done / secs;
    long eta = rate <= 0 ? 0 : (long) ((total - done) / rate);
    err.printf(
        "\r%-7s %s / %s  %s  ETA %ds   ",
        phase, Human.bytes(done), Human.bytes(total), Human.rate(done, now - started), eta);
    if (done >= total && "upload".equals(phase)) {
      err.println();
    }
    err.flush();
  }
}
