package io.btfshybrid.testkit;

import java.util.concurrent.locks.LockSupport;

/**
 * A token bucket kept as a virtual clock (GCRA): {@link #reserve} books {@code n} bytes and answers
 * when they may leave, so a sender sleeps once per slice, never per byte. At most {@code
 * burstBytes} may leave ahead of the rate. A sender that fell behind its schedule (a late wake-up
 * on a busy machine, a slow reader) may catch up by at most {@code catchUpNanos} of the rate, so
 * the average holds without a burst after idleness: {@link #restart} forgets the schedule.
 */
final class LinkPacer {
  private final double nanosPerByte;
  private final long burstNanos;
  private final long catchUpNanos;
  private long paidUntil;
  private boolean fresh = true;

  /** A pacer of {@code bytesPerSecond} (0: unlimited) allowing {@code burstBytes} ahead. */
  LinkPacer(long bytesPerSecond, long burstBytes, long catchUpNanos) {
    this.nanosPerByte = bytesPerSecond <= 0 ? 0 : 1e9 / bytesPerSecond;
    this.burstNanos = (long) (burstBytes * nanosPerByte);
    this.catchUpNanos = catchUpNanos;
  }

  /** True when this pacer limits nothing. */
  boolean unlimited() {
    return nanosPerByte == 0;
  }

  /** Forgets the schedule: the next bytes start a new one at the time they are booked. */
  synchronized void restart() {
    fresh = true;
  }

  /** Books {@code bytes} at {@code now} and returns the {@link System#nanoTime} they may leave. */
  synchronized long reserve(long bytes, long now) {
    if (unlimited()) {
      return now;
    }
    long start;
    if (fresh) {
      start = now;
      fresh = false;
    } else {
      start = paidUntil - (now - catchUpNanos) < 0 ? now - catchUpNanos : paidUntil;
    }
    paidUntil = start + (long) (bytes * nanosPerByte);
    long leave = paidUntil - burstNanos;
    return leave - now > 0 ? leave : now;
  }

  /** Parks the calling thread until {@link System#nanoTime} reaches {@code deadline}. */
  static void awaitNanoTime(long deadline) throws InterruptedException {
    for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
      LockSupport.parkNanos(left);
      if (Thread.interrupted()) {
        throw new InterruptedException("link pacing interrupted");
      }
    }
  }
}
