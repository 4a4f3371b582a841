package io.btfshybrid.testkit;

import io.btfshybrid.api.Locator;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;

/**
 * A response stream that applies a {@link FaultPlan} at object offsets and counts what it served.
 */
final class FaultyStream extends InputStream {
  /** What the extra bytes past a response's end are filled with. */
  static final byte GARBAGE = (byte) 0xEE;

  private final InputStream in;
  private final Locator where;
  private final FaultPlan plan;
  private final ObjectCounters counters;
  private long position;
  private long extraLeft;
  private boolean started;
  private boolean sourceEnded;

  FaultyStream(
      InputStream in, Locator where, long offset, FaultPlan plan, ObjectCounters counters) {
    this.in = in;
    this.where = where;
    this.plan = plan;
    this.counters = counters;
    this.position = offset;
    this.extraLeft = plan.extraBytes;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n <= 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (!started) {
      started = true;
      pause(plan.firstByteDelay);
    }
    pause(plan.perReadPause);
    if (position >= plan.failAt) {
      throw new IOException("injected failure at offset " + position + " of " + where);
    }
    long allowed = Math.min(Math.min(len, plan.maxBytesPerRead), plan.failAt - position);
    int n = -1;
    if (!sourceEnded && position < plan.truncateAt) {
      n = in.read(b, off, (int) Math.min(allowed, plan.truncateAt - position));
    }
    if (n < 0) {
      sourceEnded = true;
      return garbage(b, off, (int) allowed);
    }
    for (long at : plan.corruptAt.subSet(position, position + n)) {
      b[off + (int) (at - position)] ^= (byte) 0xFF;
    }
    position += n;
    counters.bytes.addAndGet(n);
    return n;
  }

  /** Past the real end: the extra bytes the plan asks for, then EOF. */
  private int garbage(byte[] b, int off, int len) {
    if (extraLeft == 0) {
      return -1;
    }
    int n = (int) Math.min(len, extraLeft);
    java.util.Arrays.fill(b, off, off + n, GARBAGE);
    extraLeft -= n;
    position += n;
    counters.bytes.addAndGet(n);
    return n;
  }

  private static void pause(Duration d) throws InterruptedIOException {
    if (d.isZero()) {
      return;
    }
    try {
      Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while delaying a read");
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
