package io.btfshybrid.loader;

import io.btfshybrid.api.ShardEntry;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.PrimitiveIterator;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Walks an order ahead of the consumer by at most {@code maxSamples} samples and {@code maxBytes}
 * bytes not yet handed out (a single sample larger than {@code maxBytes} is admitted alone), each
 * read on the loader's bounded pool. Admission happens in order on the consumer's thread, so a
 * later sample can never hold the budget an earlier one waits for.
 */
final class Prefetcher implements AutoCloseable {
  private final Streams streams;
  private final ChainedOrder order;

  /** The same order, walked up to {@code maxSamples} further to load shard indexes early. */
  private final ChainedOrder ahead = new ChainedOrder();

  private final Set<Long> warmed =
      Collections.newSetFromMap(
          new LinkedHashMap<>(64, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
              return size() > WARMED_SHARDS;
            }
          });
  private long admitted;
  private long walkedAhead;
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

  /** How many recently warmed shards are remembered, so each is asked for once. */
  private static final int WARMED_SHARDS = 4096;

  Prefetcher(Reads reads, int maxSamples, long maxBytes) {
    this.streams = reads.streams();
    this.pool = reads.pool();
    this.cache = reads.cache();
    this.metrics = reads.metrics();
    this.order = new ChainedOrder();
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
    warmAhead();
    while (window.size() < maxSamples && (lookahead >= 0 || order.hasNext())) {
      long sample = lookahead >= 0 ? lookahead : order.nextLong();
      if (lookahead < 0) {
        admitted++;
      }
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

  /** Appends an order (a part of an epoch) to walk after what is planned already. */
  void append(Supplier<PrimitiveIterator.OfLong> next) {
    order.append(next);
    ahead.append(next);
  }

  /**
   * Loads, on the pool, the indexes of the shards the next {@code maxSamples} positions after the
   * window touch, so admitting a sample (which needs its length) rarely waits for an index blob.
   */
  private void warmAhead() {
    while (walkedAhead < admitted + 2L * maxSamples && ahead.hasNext()) {
      long sample = ahead.nextLong();
      walkedAhead++;
      if (warmed.add(streams.shardKey(sample))) {
        pool.execute(() -> streams.warm(sample));
      }
    }
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
