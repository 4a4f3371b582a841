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
 * bytes not yet handed out (a single sample larger than {@code maxBytes} is admitted alone). A
 * sample cut from a ready pinned copy is read on the loader's read threads; one that needs the
 * tiers, on its bounded I/O pool, so requests in flight are not limited to the read threads. A
 * shard entering the window is pinned and its whole-shard fetch started on the fetch pool.
 * Admission happens in order on the consumer's thread, so a later sample can never hold the budget
 * an earlier one waits for.
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
  private final LoaderPools pools;
  private final ShardCache cache;
  private final ClientShardCache local; // the cache when it is the client's own, else null
  private final LoaderMetrics metrics;
  private final int maxSamples;
  private final long maxBytes;
  private final Deque<Pending> window = new ArrayDeque<>();
  private final Map<Long, Integer> pins = new HashMap<>(); // by Streams.shardKey
  private long bytesHeld;
  private long lookahead = -1;

  private record Pending(
      long sample, long bytes, long shardKey, ShardEntry shard, Future<Sample> read) {}

  /**
   * What every prefetch of one loader shares: the streams, the read threads, the I/O pool for
   * requests to the tiers, the pool of whole-shard fetches, the cache and the counters.
   */
  record Reads(Streams streams, LoaderPools pools, ShardCache cache, LoaderMetrics metrics) {}

  /** How many recently warmed shards are remembered, so each is asked for once. */
  private static final int WARMED_SHARDS = 4096;

  Prefetcher(Reads reads, int maxSamples, long maxBytes) {
    this.streams = reads.streams();
    this.pools = reads.pools();
    this.cache = reads.cache();
    this.local = cache instanceof ClientShardCache c ? c : null;
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
      unpin(p.shardKey(), p.shard());
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
      Streams.Admission a = streams.admission(sample);
      long bytes = a.length();
      if (!window.isEmpty() && bytesHeld + bytes > maxBytes) {
        lookahead = sample;
        return;
      }
      ShardEntry shard = a.shard();
      long key = a.shardKey();
      pin(key, shard);
      bytesHeld += bytes;
      ExecutorService on = local != null && local.ready(shard) ? pools.read() : pools.io();
      window.add(new Pending(sample, bytes, key, shard, on.submit(() -> streams.read(sample))));
    }
  }

  private void pin(long key, ShardEntry shard) throws IOException {
    if (cache != null && pins.merge(key, 1, Integer::sum) == 1) {
      if (local != null) {
        local.pin(shard, pools);
      } else {
        cache.pin(shard);
      }
    }
  }

  private void unpin(long key, ShardEntry shard) {
    if (cache != null && pins.merge(key, -1, Integer::sum) == 0) {
      pins.remove(key);
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
        pools.io().execute(() -> streams.warm(sample));
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
      unpin(p.shardKey(), p.shard());
    }
    window.clear();
    bytesHeld = 0;
  }
}
