package io.btfshybrid.core;

import com.google.common.io.CountingInputStream;
import io.btfshybrid.api.ShardEntry;
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
          && hedging.budget().tryReserve(length)) {
        synchronized (this) {
          hedged = true;
        }
        Attempt second = new Attempt(secondary);
        if (start(second)) {
          running++;
        } else {
          synchronized (this) {
            hedged = false;
          }
          hedging.budget().settle(length, 0);
        }
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

  /** Settles the budget once both requests of a hedged race are over. */
  private void ended() {
    long duplicates;
    synchronized (this) {
      if (++ended < attempts.size() || !hedged) {
        return;
      }
      Attempt won = winner.get();
      duplicates =
          won == null
              ? attempts.get(attempts.size() - 1).bytesRead()
              : attempts.stream().filter(a -> a != won).mapToLong(Attempt::bytesRead).sum();
    }
    hedging.budget().settle(length, duplicates);
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
    volatile CountingInputStream counted;
    volatile boolean cancelled;
    IOException failure;
    long nanos;

    Attempt(ChunkSource source) {
      this.source = source;
      this.buf = new byte[length];
    }

    long bytesRead() {
      CountingInputStream c = counted;
      return c == null ? 0 : c.getCount();
    }

    private void run() {
      if (!begun.compareAndSet(false, true)) {
        return;
      }
      long began = System.nanoTime();
      try {
        InputStream in = watchdog.open(source, start, end - start);
        stream = in;
        CountingInputStream c = new CountingInputStream(in);
        counted = c;
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
          closeQuietly(); // verified, but second: its bytes are the hedge's cost
        }
      } catch (IOException | RuntimeException e) {
        closeQuietly();
        if (!cancelled) {
          failure = e instanceof IOException io ? io : new IOException(e.toString(), e);
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
