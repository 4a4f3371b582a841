package io.btfshybrid.testkit;

import io.btfshybrid.api.Locator;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * A response stream that applies a {@link FaultPlan} at object offsets and counts what it served.
 */
final class FaultyStream extends InputStream {
  /** What the extra bytes past a response's end (and endless bodies) are filled with. */
  static final byte GARBAGE = (byte) 0xEE;

  private final InputStream in;
  private final Locator where;
  private final FaultPlan plan;
  private final ObjectCounters counters;
  private final TierCounters tierCounters;
  private final CountDownLatch closed = new CountDownLatch(1);
  private long position;
  private long extraLeft;
  private boolean started;
  private boolean sourceEnded;

  FaultyStream(
      InputStream in,
      Locator where,
      long offset,
      FaultPlan plan,
      ObjectCounters counters,
      TierCounters tierCounters) {
    this.in = in;
    this.where = where;
    this.plan = plan;
    this.counters = counters;
    this.tierCounters = tierCounters;
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
    if (closed.getCount() == 0) {
      throw new IOException("stream of " + where + " is closed");
    }
    if (!started) {
      started = true;
      pause(plan.firstByteDelay);
    }
    pause(plan.perReadPause);
    if (reached(plan.failAt)) {
      throw new IOException("injected failure at offset " + position + " of " + where);
    }
    if (reached(plan.endlessAt)) {
      return served(fill(b, off, len));
    }
    long allowed = Math.min(len, plan.maxBytesPerRead);
    allowed = Math.min(allowed, before(plan.failAt));
    allowed = Math.min(allowed, before(plan.endlessAt));
    allowed = Math.min(allowed, before(plan.stallAt));
    int n = -1;
    if (!sourceEnded && position < plan.truncateAt) {
      n = in.read(b, off, (int) Math.min(allowed, plan.truncateAt - position));
    }
    if (n < 0) {
      sourceEnded = true;
      return garbage(b, off, (int) allowed);
    }
    if (reached(plan.stallAt)) {
      stall(); // the bytes just read are withheld
    }
    for (long at : plan.corruptAt.subSet(position, position + n)) {
      b[off + (int) (at - position)] ^= (byte) 0xFF;
    }
    return served(n);
  }

  /** Whether this read is at or past a fault's offset ({@code Long.MAX_VALUE}: no such fault). */
  private boolean reached(long at) {
    return at != Long.MAX_VALUE && position >= at;
  }

  /** How many bytes may be served before object offset {@code limit} (at least 1 past it). */
  private long before(long limit) {
    return position < limit ? limit - position : Long.MAX_VALUE;
  }

  private int served(int n) {
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
    extraLeft -= n;
    return served(fill(b, off, n));
  }

  private static int fill(byte[] b, int off, int n) {
    Arrays.fill(b, off, off + n, GARBAGE);
    return n;
  }

  /** Blocks until the stream is closed (from any thread) or this thread is interrupted. */
  private void stall() throws IOException {
    tierCounters.stalled.incrementAndGet();
    tierCounters.stalledNow.incrementAndGet();
    try {
      closed.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while stalled at " + position + " of " + where);
    } finally {
      tierCounters.stalledNow.decrementAndGet();
    }
    throw new IOException("stalled at offset " + position + " of " + where + " until closed");
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
    closed.countDown();
    in.close();
  }
}
