package io.btfshybrid.btfs;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads one tier fetches the pieces of its reads on, and how far each read may run ahead:
 * {@code parallelism} requests and {@code readAhead} bytes per read. The threads are daemons, end
 * when idle, and are gone once {@link #close()} returns.
 *
 * @param executor the pool, at most one thread per pooled connection
 * @param threads the pool's threads that may still be alive, joined on close
 * @param parallelism the most requests one read keeps in flight
 * @param readAhead the most bytes one read holds fetched ahead of its reader
 */
record ReadPool(ExecutorService executor, Set<Thread> threads, int parallelism, long readAhead)
    implements AutoCloseable {

  /** A pool of at most {@code threads} threads named after {@code tierId}. */
  static ReadPool create(String tierId, int threads, int parallelism, long readAhead) {
    AtomicInteger n = new AtomicInteger();
    Set<Thread> started = ConcurrentHashMap.newKeySet();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            2,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "btfs-read-" + tierId + "-" + n.incrementAndGet());
              t.setDaemon(true);
              started.removeIf(old -> !old.isAlive());
              started.add(t);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return new ReadPool(pool, started, Math.min(parallelism, threads), readAhead);
  }

  /** Whether reads fetch ahead at all (with one request in flight they are sequential). */
  boolean parallel() {
    return parallelism > 1;
  }

  /** Stops the pool and waits (briefly) until its threads are gone. */
  @Override
  public void close() {
    executor.shutdownNow();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    try {
      executor.awaitTermination(10, TimeUnit.SECONDS);
      for (Thread t : threads) {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
