package io.btfshybrid.loader;

import io.btfshybrid.api.ShardEntry;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Walks an order ahead of the consumer by at most {@code maxSamples} samples and {@code maxBytes}
 * bytes not yet handed out (a single sample larger than {@code maxBytes} is admitted alone), each
 * read on the loader's bounded pool. Admission happens in order on the consumer's thread, so a
 * later sample can never hold the budget an earlier one waits for.
 */
final class Prefetcher implements AutoCloseable {
  private final Streams streams;
  private final ChainedOrder order;
  private final ExecutorService pool;
  private final ShardCache cache;
  private final LoaderMetrics metrics;
  private final int maxSamples;
  private final long maxBytes;
  private final Deque<Pending> window = new ArrayDeque<>();
  private final Map<ShardEntry, Integer> pins = new HashMap<>();
  private long bytesHeld;
  private long lookahead = -1;

  private record Pending(long sample, long bytes, ShardEntry shard, Future<Sample> read) {}

  /** What every prefetch of one loader shares: the streams, the read pool, cache and counters. */
  record Reads(Streams streams, ExecutorService pool, ShardCache cache, LoaderMetrics metrics) {}

  Prefetcher(Reads reads, ChainedOrder order, int maxSamples, long maxBytes) {
    this.streams = reads.streams();
    this.pool = reads.pool();
    this.cache = reads.cache();
    this.metrics = reads.metrics();
    this.order = order;
    this.maxSamples = maxSamples;
    this.maxBytes = maxBytes;
  }

  /** The next sample of the order, waiting for its read if needed. */
  Sample take() throws IOException {
    fill();
    Pending p = window.poll();
    if (p == null) {
      throw new IllegalStateException("the order is exhausted");
    }
    Sample s;
    long start = System.nanoTime();
    try {
      s = p.read().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted waiting for sample " + p.sample());
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException("reading sample " + p.sample() + " failed", e.getCause());
    } catch (CancellationException e) {
      throw new IOException("the read of sample " + p.sample() + " was cancelled", e);
    } finally {
      metrics.stalled(System.nanoTime() - start);
      bytesHeld -= p.bytes();
      unpin(p.shard());
    }
    fill();
    return s;
  }

  /** Admits samples while the window has room. */
  void fill() throws IOException {
    while (window.size() < maxSamples && (lookahead >= 0 || order.hasNext())) {
      long sample = lookahead >= 0 ? lookahead : order.nextLong();
      lookahead = -1;
      long bytes = streams.length(sample);
      if (!window.isEmpty() && bytesHeld + bytes > maxBytes) {
        lookahead = sample;
        return;
      }
      ShardEntry shard = streams.shard(sample);
      pin(shard);
      bytesHeld += bytes;
      window.add(new Pending(sample, bytes, shard, pool.submit(() -> streams.read(sample))));
    }
  }

  private void pin(ShardEntry shard) throws IOException {
    if (cache != null && pins.merge(shard, 1, Integer::sum) == 1) {
      cache.pin(shard);
    }
  }

  private void unpin(ShardEntry shard) {
    if (cache != null && pins.merge(shard, -1, Integer::sum) == 0) {
      pins.remove(shard);
      cache.unpin(shard);
    }
  }

  /** The order this prefetch walks; more may be appended. */
  ChainedOrder order() {
    return order;
  }

  /** Bytes admitted and not yet handed out. */
  long bytesHeld() {
    return bytesHeld;
  }

  @Override
  public void close() {
    for (Pending p : window) {
      p.read().cancel(true);
      unpin(p.shard());
    }
    window.clear();
    bytesHeld = 0;
  }
}
