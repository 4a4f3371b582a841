package io.btfshybrid.loader;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loader's threads: {@code read} cuts and verifies samples from pinned local copies, {@code io}
 * runs requests to the tiers (sample range reads, index blobs), {@code fetches} whole-shard fetches
 * into the disk cache. Each is a fixed pool, so each bound holds; {@code fetchesOutstanding} counts
 * fetches started and not ended, so a new one knows whether a fetch thread is free for it.
 */
record LoaderPools(
    ExecutorService read,
    ExecutorService io,
    ExecutorService fetches,
    int fetchThreads,
    AtomicInteger fetchesOutstanding) {
  static LoaderPools of(int readThreads, int ioConcurrency) {
    int fetchThreads = shardFetches(ioConcurrency);
    return new LoaderPools(
        threads(readThreads, "btfs-loader-read-%d"),
        threads(ioConcurrency, "btfs-loader-io-%d"),
        threads(fetchThreads, "btfs-loader-fetch-%d"),
        fetchThreads,
        new AtomicInteger());
  }

  /** Whole-shard fetches at once for an I/O concurrency of {@code io}: a quarter, 1 to 8. */
  static int shardFetches(int io) {
    return Math.max(1, Math.min(8, io / 4));
  }

  private static ExecutorService threads(int n, String names) {
    return Executors.newFixedThreadPool(
        n, new ThreadFactoryBuilder().setDaemon(true).setNameFormat(names).build());
  }

  void shutdownNow() {
    read.shutdownNow();
    io.shutdownNow();
    fetches.shutdownNow();
  }
}
