package io.btfshybrid.loader;

import io.btfshybrid.api.ShardEntry;
import java.io.IOException;

/**
 * The disk cache the prefetch window pins shards in: pinned shards are never evicted. The loader
 * pins a shard when the first sample of it enters the window and unpins it when the last leaves.
 */
public interface ShardCache {
  /** The cache's budget in bytes. */
  long budgetBytes();

  /** Keeps {@code shard} cached (fetching it if needed) until {@link #unpin}. */
  void pin(ShardEntry shard) throws IOException;

  /** Lets {@code shard} be evicted again. */
  void unpin(ShardEntry shard);
}
