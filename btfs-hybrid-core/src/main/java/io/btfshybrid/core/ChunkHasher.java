package io.btfshybrid.core;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Checks chunks against their manifest hashes, inline or on a client-wide pool of one thread per
 * core but one, with a bounded queue: a hash the pool has no room for waits for its reader, who
 * then runs it on its own thread (so a full pool slows readers down instead of queueing without
 * bound, and a waiting reader never waits on a task nobody runs). A reader whose next chunk is
 * still being hashed helps instead of idling ({@link #await}), so one stream's chunks hash on every
 * core, the reader's included. Counts the bytes it hashed.
 */
final class ChunkHasher implements AutoCloseable {
  /** The cores this process may use. */
  static final int CORES = Runtime.getRuntime().availableProcessors();

  /**
   * Verification threads: one per core but one (at least one), since every reader hashes too: a
   * reader waiting for its next chunk runs the checks queued behind it ({@link #await}). With a
   * pool thread on every core, a reader woken with its chunk had to wait for a core.
   */
  static final int THREADS = Math.max(1, CORES - 1);

  private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(Digests::sha256);

  private final ThreadPoolExecutor pool;
  private final LongAdder bytesHashed = new LongAdder();

  ChunkHasher() {
    this.pool =
        new ThreadPoolExecutor(
            THREADS,
            THREADS,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(CORES * 8),
            new ThreadFactoryBuilder()
                .setDaemon(true)
                .setNameFormat("btfs-hybrid-verify-%d")
                .build(),
            new ThreadPoolExecutor.AbortPolicy());
    pool.allowCoreThreadTimeOut(true);
  }

  /** Whether {@code buf[0, length)} hashes to {@code expectedHex}, computed on this thread. */
  boolean matches(byte[] buf, int length, String expectedHex) {
    MessageDigest digest = DIGEST.get();
    digest.update(buf, 0, length);
    bytesHashed.add(length);
    return Digests.matches(digest.digest(), expectedHex);
  }

  /** Whether the remaining bytes of {@code buf} hash to {@code expectedHex}; consumes them. */
  boolean matches(ByteBuffer buf, String expectedHex) {
    MessageDigest digest = DIGEST.get();
    int length = buf.remaining();
    digest.update(buf);
    bytesHashed.add(length);
    return Digests.matches(digest.digest(), expectedHex);
  }

  /** Starts checking {@code buf[0, length)} on the pool; {@link Pending#matches} waits for it. */
  Pending submit(byte[] buf, int length, String expectedHex) {
    return submit(() -> matches(buf, length, expectedHex));
  }

  /**
   * Starts {@code check} (a chunk's read and hash) on the pool; {@link Pending#matches} waits for
   * it, running it on the caller's thread if no pool thread has started it.
   */
  Pending submit(Callable<Boolean> check) {
    Pending task = new Pending(check);
    try {
      pool.execute(task);
    } catch (RejectedExecutionException full) {
      // no room (or closing): the reader runs it when it asks for the answer
    }
    return task;
  }

  /**
   * The answer of {@code head}, run on the caller's thread if no pool thread has started it; while
   * a pool thread is still computing it, the caller runs the checks of {@code behind} that nobody
   * has started, in order, instead of idling, so one stream's chunks hash on every core.
   */
  static boolean await(Pending head, Iterable<Pending> behind) throws IOException {
    head.run(); // a no-op when a pool thread runs or ran it
    for (Pending next : behind) {
      if (head.isDone()) {
        break;
      }
      next.run(); // likewise a no-op for a check already started
    }
    return head.matches();
  }

  /** Bytes hashed so far (every chunk checked, inline or on the pool). */
  long bytesHashed() {
    return bytesHashed.sum();
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }

  /** A chunk hash under way. */
  static final class Pending extends FutureTask<Boolean> {
    Pending(Callable<Boolean> check) {
      super(check);
    }

    /** The answer: runs the check here if no pool thread has started it yet. */
    boolean matches() throws IOException {
      run(); // a no-op when a pool thread runs or ran it
      try {
        return get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while a chunk was being verified");
      } catch (ExecutionException e) {
        if (e.getCause() instanceof IOException io) {
          throw io; // the chunk's read failed (typed: truncated, stalled, closed)
        }
        throw new IOException("verifying a chunk failed: " + e.getCause(), e.getCause());
      }
    }
  }
}
