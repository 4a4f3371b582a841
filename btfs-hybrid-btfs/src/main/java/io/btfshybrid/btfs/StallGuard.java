package io.btfshybrid.btfs;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gives every reply body a deadline on progress: while a reader waits inside {@code read}, the body
 * must deliver {@link #PROGRESS_BYTES} (or end) within the stall timeout, else the connection is
 * abandoned and the read fails with {@link BtfsStalledException}. Time the caller spends between
 * reads does not count. One watchdog thread per tier, started on demand and gone when idle.
 */
final class StallGuard implements AutoCloseable {
  /** How many bytes count as progress; a body dripping less than this is stalled. */
  static final int PROGRESS_BYTES = 16 * 1024;

  private final String tierId;
  private final Duration stall;
  private final long stallNanos;
  private final ScheduledThreadPoolExecutor watchdog;

  StallGuard(String tierId, Duration stall) {
    this.tierId = tierId;
    this.stall = stall;
    this.stallNanos = stall.toNanos();
    this.watchdog =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "btfs-stall-watchdog-" + tierId);
              t.setDaemon(true);
              return t;
            });
    watchdog.setKeepAliveTime(1, TimeUnit.SECONDS);
    watchdog.allowCoreThreadTimeOut(true);
    watchdog.setRemoveOnCancelPolicy(true);
  }

  /** {@code body}, failing when stalled; {@code abandon} cuts the connection without draining. */
  Guarded guard(InputStream body, String subject, Runnable abandon) {
    return new Guarded(body, subject, abandon);
  }

  /** Stops the watchdog and waits (briefly) for its thread to end, so closed tiers leave none. */
  @Override
  public void close() {
    watchdog.shutdownNow();
    try {
      watchdog.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A body under watch; {@link #ended()} tells whether it was read to its end. Skipping reads
   * through {@link #read(byte[], int, int)} (InputStream's own skip), so it is watched too.
   */
  final class Guarded extends InputStream {
    private final InputStream in;
    private final String subject;
    private final Runnable abandon;
    private final ScheduledFuture<?> check;
    private volatile long readingSince = -1;
    private final AtomicLong waitedNanos = new AtomicLong();
    private long sinceProgress;
    private long received;
    private volatile boolean stalled;
    private boolean ended;

    Guarded(InputStream body, String subject, Runnable abandon) {
      this.in = body;
      this.subject = subject;
      this.abandon = abandon;
      long period = Math.max(TimeUnit.MILLISECONDS.toNanos(20), stallNanos / 4);
      ScheduledFuture<?> scheduled;
      try {
        scheduled = watchdog.scheduleAtFixedRate(this::check, period, period, TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        scheduled = null; // the tier is closing; reads still stop at the inline check
      }
      this.check = scheduled;
    }

    /** Whether the body was read to its end (so its connection may be reused). */
    boolean ended() {
      return ended;
    }

    private void check() {
      long since = readingSince;
      if (!stalled && since >= 0 && waitedNanos.get() + (System.nanoTime() - since) > stallNanos) {
        stalled = true;
        abandon.run();
      }
    }

    private BtfsStalledException stalledException(Throwable cause) {
      BtfsStalledException e = new BtfsStalledException(tierId, subject, received, stall);
      if (cause != null) {
        e.initCause(cause);
      }
      return e;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (stalled) {
        throw stalledException(null);
      }
      if (ended) {
        return -1;
      }
      if (len == 0) {
        return 0;
      }
      long start = System.nanoTime();
      readingSince = start;
      int n;
      try {
        n = in.read(b, off, len);
      } catch (IOException | RuntimeException e) {
        if (stalled) {
          throw stalledException(e);
        }
        throw e;
      } finally {
        readingSince = -1;
      }
      if (stalled) {
        throw stalledException(null);
      }
      if (n < 0) {
        ended = true;
        stop();
        return -1;
      }
      received += n;
      sinceProgress += n;
      if (sinceProgress >= PROGRESS_BYTES) {
        sinceProgress = 0;
        waitedNanos.set(0);
      } else if (waitedNanos.addAndGet(System.nanoTime() - start) > stallNanos) {
        stalled = true;
        abandon.run();
        throw stalledException(null);
      }
      return n;
    }

    private void stop() {
      if (check != null) {
        check.cancel(false);
      }
    }

    /** Stops watching; closing the connection is the reply's job. */
    @Override
    public void close() {
      stop();
    }
  }
}
