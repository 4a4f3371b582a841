package io.btfshybrid.core;

import io.btfshybrid.api.ShardEntry;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One chunk request raced across two sources: the primary is asked first; when it has not produced
 * its first byte after {@link Hedging#delayFor its tier's delay} and the budget has room, the
 * secondary is asked too. The first answer whose hash matches wins and keeps its stream for the
 * chunks after it; the other request is cancelled (its stream closed, its thread interrupted). Only
 * the winner's verified bytes leave the race, so no byte is delivered twice or out of order.
 *
 * <p>The hedge is started whatever room the {@link HedgeBudget} has: it grants up to a chunk, and
 * the two requests may then hold at most that many of the same bytes (counting reads under way,
 * save the one byte a request still waiting for its first byte asked for). The request behind stops
 * when reading on would pass the grant, so a stalled primary is always hedged, and the duplicate
 * bytes, settled when both requests are over, exceed the grant by at most that one byte.
 */
final class HedgedRace {
  /** A verified first chunk and the open stream positioned after it. */
  @SuppressWarnings(
      "ArrayRecordComponent") // internal value; its array is never compared or exposed to callers
  record Won(ChunkSource source, InputStream stream, byte[] bytes, long nanos) {}

  /** What the race produced: a winner or not, and the failures of the requests that failed. */
  record Outcome(Won won, List<Failure> failures, boolean started) {}

  /** A source's failure of the raced chunk. */
  record Failure(ChunkSource source, IOException cause) {}

  private final Hedging hedging;
  private final StallWatchdog watchdog;
  private final ChunkHasher hasher;
  private final VerifiedReadListener listener;
  private final ShardEntry shard;
  private final int index;
  private final long start;
  private final long end;
  private final int length;
  private final BlockingQueue<Attempt> done = new ArrayBlockingQueue<>(2);
  private final AtomicReference<Attempt> winner = new AtomicReference<>();
  private final List<Attempt> attempts = new ArrayList<>(2); // guarded by this
  private int ended; // guarded by this
  private boolean hedged; // guarded by this
  private long granted; // guarded by this: duplicate bytes the budget granted the hedge

  HedgedRace(
      Hedging hedging,
      ReadContext ctx,
      VerifiedReadListener listener,
      ShardEntry shard,
      int index,
      long end) {
    this.hedging = hedging;
    this.watchdog = ctx.watchdog();
    this.hasher = ctx.hasher();
    this.listener = listener;
    this.shard = shard;
    this.index = index;
    this.start = (long) index * shard.chunkSize();
    this.end = end;
    this.length = shard.chunkLength(index);
  }

  /** Races {@code primary} and, if it is slow to start, {@code secondary} for the chunk. */
  Outcome run(ChunkSource primary, ChunkSource secondary) throws IOException {
    Attempt first = new Attempt(primary);
    if (!start(first)) {
      return new Outcome(null, List.of(), false); // no thread free: the caller reads unhedged
    }
    int running = 1;
    try {
      if (!first.firstByte.await(hedging.delayFor(primary.id()).toNanos(), TimeUnit.NANOSECONDS)
          && hedge(secondary)) {
        running++;
      }
      List<Failure> failures = new ArrayList<>();
      while (running > 0) {
        Attempt a = done.take();
        running--;
        if (winner.get() == a) {
          cancelAllBut(a);
          return new Outcome(new Won(a.source, a.stream, a.buf, a.nanos), failures, true);
        }
        if (a.failure != null) {
          failures.add(new Failure(a.source, a.failure));
        }
      }
      return new Outcome(null, failures, true);
    } catch (InterruptedException e) {
      cancelAllBut(null);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading chunk " + index);
    }
  }

  /**
   * Starts the hedge with what the budget grants (never refused for want of room: the grant only
   * limits how many bytes both requests may read); false when no thread is free for it.
   */
  private boolean hedge(ChunkSource secondary) {
    Attempt second = new Attempt(secondary);
    long grant;
    synchronized (this) {
      grant = hedging.budget().reserveUpTo(length);
      granted = grant;
      hedged = true;
      attempts.add(second);
    }
    try {
      hedging.pool().execute(second.task);
      return true;
    } catch (RejectedExecutionException busy) {
      synchronized (this) {
        attempts.remove(second);
        hedged = false;
      }
      hedging.budget().settle(grant, 0);
      return false;
    }
  }

  /**
   * How many of {@code wanted} bytes {@code a} may read now: all of them unless the race is hedged
   * and reading them could make both requests hold more of the same bytes than the grant (the bytes
   * both read are the hedge's duplicates); 0 when {@code a} must stop so the other goes on.
   */
  private synchronized int claim(Attempt a, int wanted) {
    Attempt other = null;
    for (Attempt o : attempts) {
      if (o != a) {
        other = o;
      }
    }
    int allowed = wanted;
    // a request still waiting for its first byte has asked for one byte only: not counted, so a
    // hedge of a stalled request always reads (at most that one byte may arrive twice)
    long held =
        other == null ? 0 : other.claimed - (other.read == 0 ? Math.min(1, other.claimed) : 0);
    if (hedged && held > granted) {
      allowed = (int) Math.max(0, Math.min(wanted, granted - a.claimed));
    }
    a.claimed += allowed;
    return allowed;
  }

  /** A read of {@code a} that claimed {@code asked} bytes returned {@code got}. */
  private synchronized void release(Attempt a, int asked, int got) {
    int read = Math.max(0, got);
    a.claimed -= asked - read;
    a.read += read;
  }

  private boolean start(Attempt a) {
    synchronized (this) {
      attempts.add(a);
    }
    try {
      hedging.pool().execute(a.task);
      return true;
    } catch (RejectedExecutionException busy) {
      synchronized (this) {
        attempts.remove(a);
      }
      return false;
    }
  }

  private void cancelAllBut(Attempt keep) {
    List<Attempt> all;
    synchronized (this) {
      all = List.copyOf(attempts);
    }
    for (Attempt a : all) {
      if (a != keep) {
        a.cancel();
      }
    }
  }

  /** Settles the budget once both requests of a hedged race are over: their common bytes. */
  private void ended() {
    long duplicates;
    long grant;
    synchronized (this) {
      if (++ended < attempts.size() || !hedged) {
        return;
      }
      duplicates = Math.min(attempts.get(0).read, attempts.get(1).read);
      grant = granted;
    }
    hedging.budget().settle(grant, duplicates);
  }

  /** One source's request for the chunk, run on a hedge thread. */
  private final class Attempt {
    final ChunkSource source;
    final CountDownLatch firstByte = new CountDownLatch(1);
    final AtomicBoolean begun = new AtomicBoolean();
    final FutureTask<Void> task =
        new FutureTask<>(this::run, null) {
          @Override
          protected void done() {
            if (isCancelled() && begun.compareAndSet(false, true)) {
              finish(); // cancelled before a thread ran it
            }
          }
        };
    final byte[] buf;
    volatile InputStream stream;
    volatile boolean cancelled;
    long claimed; // guarded by the race: bytes read or being read
    long read; // guarded by the race: bytes read
    IOException failure;
    long nanos;

    Attempt(ChunkSource source) {
      this.source = source;
      this.buf = new byte[length];
    }

    private void run() {
      if (!begun.compareAndSet(false, true)) {
        return;
      }
      long began = System.nanoTime();
      try {
        InputStream in = watchdog.open(source, start, end - start);
        stream = in;
        InputStream c = new Claiming(in);
        if (cancelled) {
          throw new IOException("cancelled: the other request won");
        }
        int n = watchdog.readFully(source.id(), c, buf, 0, 1);
        if (n == 1) {
          listener.firstByte(source.id(), System.nanoTime() - began);
          firstByte.countDown();
          n += watchdog.readFully(source.id(), c, buf, 1, length - 1);
        }
        if (n < length) {
          throw ChunkCursor.truncated(source, n, length, index);
        }
        if (!hasher.matches(buf, length, shard.chunkHashes().get(index))) {
          source.corrupted();
          throw ChunkCursor.mismatch(shard, index, source);
        }
        nanos = System.nanoTime() - began;
        if (!winner.compareAndSet(null, this)) {
          listener.lostRace(source.id(), nanos);
          closeQuietly(); // verified, but second: its bytes are the hedge's cost
        }
      } catch (IOException | RuntimeException e) {
        closeQuietly();
        if (!cancelled) {
          failure = e instanceof IOException io ? io : new IOException(e.toString(), e);
        } else {
          listener.lostRace(source.id(), System.nanoTime() - began);
        }
      } finally {
        finish();
      }
    }

    private void finish() {
      firstByte.countDown();
      done.add(this);
      ended();
    }

    void cancel() {
      cancelled = true;
      closeQuietly();
      task.cancel(true);
    }

    /** The attempt's reads, each within what the race lets it read. */
    private final class Claiming extends FilterInputStream {
      Claiming(InputStream in) {
        super(in);
      }

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int allowed = claim(Attempt.this, len);
        if (allowed == 0 && len > 0) {
          cancelled = true; // not the source's fault: the other request goes on
          throw new IOException("stopped: the hedge budget allows no more bytes read twice");
        }
        int got = -1;
        try {
          got = in.read(b, off, allowed);
          return got;
        } finally {
          release(Attempt.this, allowed, got);
        }
      }
    }

    private void closeQuietly() {
      InputStream in = stream;
      if (in != null) {
        try {
          in.close();
        } catch (IOException | RuntimeException ignored) {
          // abandoned either way
        }
      }
    }
  }
}
