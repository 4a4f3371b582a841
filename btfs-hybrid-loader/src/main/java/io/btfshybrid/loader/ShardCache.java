package io.btfshybrid.loader;

import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.core.DatasetClient;
import java.io.IOException;

/**
 * The disk cache the prefetch window pins shards in: pinned shards are never evicted. The loader
 * pins a shard when the first sample of it enters the window and unpins it when the last leaves.
 * {@link #of(DatasetClient)} is the one over a client's disk cache.
 */
public interface ShardCache {
  /**
   * The cache of {@code client}'s disk cache directory (its bound is the budget), for loaders
   * reading through that client: a loader built with it reads each pinned shard whole into the
   * cache once, verified, and cuts samples from the local copy (each chunk verified once per pin)
   * instead of one ranged tier read per sample. Shards over half the cache's bound are read per
   * sample as without a cache.
   *
   * @throws IllegalArgumentException if the client was built without {@code cacheDirectory}
   */
  static ShardCache of(DatasetClient client) {
    long budget =
        client
            .cacheMaxBytes()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "the client has no disk cache: build it with cacheDirectory(..)"));
    return new ClientShardCache(client, budget);
  }

  /** The cache's budget in bytes. */
  long budgetBytes();

  /** Keeps {@code shard} cached (fetching it if needed) until {@link #unpin}. */
  void pin(ShardEntry shard) throws IOException;

  /** Lets {@code shard} be evicted again. */
  void unpin(ShardEntry shard);
}
