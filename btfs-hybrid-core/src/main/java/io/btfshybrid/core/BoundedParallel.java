package io.btfshybrid.core;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs one task per item on at most {@code parallelism} daemon threads and returns the results in
 * item order; the first failure cancels the rest and is rethrown as the IOException it was.
 */
final class BoundedParallel {
  private BoundedParallel() {}

  /** One unit of work that may fail with an IOException. */
  @FunctionalInterface
  interface Task<T, R> {
    R apply(T item) throws IOException;
  }

  static <T, R> List<R> map(List<T> items, int parallelism, String name, Task<T, R> task)
      throws IOException {
    if (items.isEmpty()) {
      return List.of();
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(parallelism, items.size()),
            new ThreadFactoryBuilder().setDaemon(true).setNameFormat(name + "-%d").build());
    try {
      List<Future<R>> futures = new ArrayList<>(items.size());
      for (T item : items) {
        futures.add(pool.submit(() -> task.apply(item)));
      }
      List<R> out = new ArrayList<>(items.size());
      for (Future<R> f : futures) {
        out.add(f.get());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(name + " interrupted");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof UncheckedIOException uio) {
        throw uio.getCause();
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(name + " failed: " + cause, cause);
    } finally {
      pool.shutdownNow();
    }
  }
}
