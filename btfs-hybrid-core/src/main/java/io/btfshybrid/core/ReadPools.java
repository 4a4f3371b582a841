package io.btfshybrid.core;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads a client's reads share, all bounded, daemon and shut down with the client: the stall
 * watchdog's timer, the openers that call a tier's {@code read} under a deadline, the read-ahead
 * workers of encrypted streams (however many streams are open), the chunk verifiers (one per core),
 * the requests of hedged reads and the writers of cache fills.
 */
final class ReadPools implements AutoCloseable {
  /** Most tier opens running at once; beyond that an open runs on the reader's own thread. */
  static final int MAX_OPENERS = 32;

  /** Read-ahead workers shared by every encrypted stream of one client. */
  static final int READ_AHEAD_THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());

  private final ScheduledThreadPoolExecutor timer;
  private final ThreadPoolExecutor openers;
  private final ThreadPoolExecutor readAhead;
  private final ThreadPoolExecutor hedgers;
  private final ThreadPoolExecutor cacheWriters;
  private final ChunkHasher hasher = new ChunkHasher();
  private final ChunkBuffers buffers = new ChunkBuffers();
  private final StallWatchdog watchdog;

  ReadPools(Duration stallTimeout) {
    this.timer = new ScheduledThreadPoolExecutor(1, daemons("btfs-hybrid-stall-watchdog-%d"));
    timer.setRemoveOnCancelPolicy(true);
    this.openers =
        new ThreadPoolExecutor(
            0,
            MAX_OPENERS,
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            daemons("btfs-hybrid-open-%d"),
            new ThreadPoolExecutor.CallerRunsPolicy());
    this.readAhead =
        new ThreadPoolExecutor(
            READ_AHEAD_THREADS,
            READ_AHEAD_THREADS,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            daemons("btfs-hybrid-read-ahead-%d"));
    readAhead.allowCoreThreadTimeOut(true);
    // a race needs two threads at once or none: when none is free the read goes unhedged
    this.hedgers =
        new ThreadPoolExecutor(
            0,
            MAX_OPENERS,
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            daemons("btfs-hybrid-hedge-%d"),
            new ThreadPoolExecutor.AbortPolicy());
    // a fill whose writer finds no free thread writes on its reader's thread
    this.cacheWriters =
        new ThreadPoolExecutor(
            0,
            MAX_OPENERS,
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            daemons("btfs-hybrid-cache-write-%d"),
            new ThreadPoolExecutor.AbortPolicy());
    this.watchdog = new StallWatchdog(timer, openers, stallTimeout);
  }

  private static java.util.concurrent.ThreadFactory daemons(String format) {
    return new ThreadFactoryBuilder().setDaemon(true).setNameFormat(format).build();
  }

  StallWatchdog watchdog() {
    return watchdog;
  }

  /** The client's idle chunk buffers. */
  ChunkBuffers buffers() {
    return buffers;
  }

  /** Where encrypted streams verify chunks ahead of decryption. */
  ExecutorService readAhead() {
    return readAhead;
  }

  /** Where chunks are verified, inline or ahead of their reader. */
  ChunkHasher hasher() {
    return hasher;
  }

  /** Where the requests of a hedged read race (rejects when every thread is busy). */
  ExecutorService hedgers() {
    return hedgers;
  }

  /** Where cache fills write behind their readers (rejects when every thread is busy). */
  ExecutorService cacheWriters() {
    return cacheWriters;
  }

  @Override
  public void close() {
    timer.shutdownNow();
    openers.shutdownNow();
    readAhead.shutdownNow();
    hedgers.shutdownNow();
    cacheWriters.shutdown(); // running writes finish; a fill then ends as its reader ends it
    hasher.close();
  }
}
