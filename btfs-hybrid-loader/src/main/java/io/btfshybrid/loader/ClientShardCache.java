package io.btfshybrid.loader;

import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.core.Dataset;
import io.btfshybrid.core.DatasetClient;
import io.btfshybrid.core.PinnedShard;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;

/**
 * A {@link ShardCache} over a client's disk cache. A loader pins a shard on the consumer's thread
 * and starts its whole-shard fetch (verified once) on the loader's bounded fetch pool right away; a
 * sample read of a shard whose copy is ready is cut from the local copy, each chunk verified once
 * per pin (a copy just filled is not hashed again); while its fetch is queued, a sample is one
 * ranged read of the tiers, and while it runs, the read waits for it. With the last unpin the copy
 * may be evicted again.
 */
final class ClientShardCache implements ShardCache {
  private final DatasetClient client;
  private final long budget;
  private final Map<Key, Dataset> known = new ConcurrentHashMap<>();
  private final Map<Key, Slot> slots = new ConcurrentHashMap<>(); // changed under this

  /** A shard by its stored bytes and path (the path is the decryption context). */
  private record Key(String storedSha256, String path) {
    static Key of(ShardEntry s) {
      return new Key(s.storedSha256(), s.path());
    }
  }

  ClientShardCache(DatasetClient client, long budget) {
    this.client = client;
    this.budget = budget;
  }

  /** Lets this cache pin and read the shards of {@code dataset}, opened by {@code reader}. */
  void register(DatasetClient reader, Dataset dataset) {
    if (reader != client) {
      throw new IllegalArgumentException(
          "the shard cache is over another client's disk cache than the loader's client");
    }
    dataset.shards().forEach(s -> known.put(Key.of(s), dataset));
  }

  @Override
  public long budgetBytes() {
    return budget;
  }

  @Override
  public void pin(ShardEntry shard) {
    slot(shard);
  }

  /** Pins {@code shard} and starts its whole-shard fetch on {@code pools} if none is under way. */
  void pin(ShardEntry shard, LoaderPools pools) {
    slot(shard).start(known.get(Key.of(shard)), pools);
  }

  private synchronized Slot slot(ShardEntry shard) {
    Key key = Key.of(shard);
    if (!known.containsKey(key)) {
      throw new IllegalArgumentException(
          "shard '" + shard.path() + "' is not of a release a loader opened with this cache");
    }
    Slot slot = slots.computeIfAbsent(key, k -> new Slot(shard));
    slot.refs++;
    return slot;
  }

  @Override
  public void unpin(ShardEntry shard) {
    Slot done;
    synchronized (this) {
      Key key = Key.of(shard);
      Slot slot = slots.get(key);
      if (slot == null) {
        throw new IllegalStateException("shard '" + shard.path() + "' is not pinned");
      }
      if (--slot.refs > 0) {
        return;
      }
      slots.remove(key);
      done = slot;
    }
    done.release();
  }

  /** Whether {@code shard}'s pinned copy is ready, so its samples are cut locally. */
  boolean ready(ShardEntry shard) {
    Slot slot = slots.get(Key.of(shard));
    return slot != null && slot.ready();
  }

  /** Bytes of a shard's range: a view of its pinned copy when it is pinned, else the tiers'. */
  ByteBuffer read(Dataset dataset, ShardEntry shard, long offset, int length) throws IOException {
    Slot slot = slots.get(Key.of(shard));
    Optional<PinnedShard> pinned = slot == null ? Optional.empty() : slot.handle(dataset);
    if (pinned.isPresent()) {
      return pinned.get().read(offset, length);
    }
    return ShardBytes.readRange(dataset, shard, offset, length);
  }

  /** How many shards are pinned now. */
  synchronized int pinned() {
    return slots.size();
  }

  /**
   * One pinned shard: its pin count and its fetch into the disk cache, started by the loader when
   * pinned or else by its first read.
   */
  private static final class Slot {
    private final ShardEntry shard;
    private int refs; // guarded by ClientShardCache.this
    private CompletableFuture<Optional<PinnedShard>> fetch; // guarded by this
    private volatile boolean running;
    private boolean released; // guarded by this

    Slot(ShardEntry shard) {
      this.shard = shard;
    }

    synchronized void start(Dataset reader, LoaderPools pools) {
      if (fetch != null || released) {
        return;
      }
      CompletableFuture<Optional<PinnedShard>> f = new CompletableFuture<>();
      fetch = f;
      // with a fetch thread free it runs at once: readers wait for it rather than read ranges
      running = pools.fetchesOutstanding().incrementAndGet() <= pools.fetchThreads();
      try {
        pools
            .fetches()
            .execute(
                () -> {
                  try {
                    run(reader, f);
                  } finally {
                    pools.fetchesOutstanding().decrementAndGet();
                  }
                });
      } catch (RejectedExecutionException e) {
        pools.fetchesOutstanding().decrementAndGet();
        f.complete(Optional.empty()); // the loader is closing: reads go to the tiers
      }
    }

    private void run(Dataset reader, CompletableFuture<Optional<PinnedShard>> f) {
      running = true;
      try {
        f.complete(isReleased() ? Optional.empty() : reader.pin(shard.path()));
      } catch (IOException | RuntimeException e) {
        f.completeExceptionally(e); // its samples are read from the tiers, which report a fault
      }
    }

    boolean ready() {
      CompletableFuture<Optional<PinnedShard>> f;
      synchronized (this) {
        f = fetch;
      }
      return f != null && f.isDone() && !f.isCompletedExceptionally() && f.join().isPresent();
    }

    /**
     * The pinned copy: empty (read the tiers) while its fetch is queued, failed, or the slot is
     * released; a running fetch is waited for; without a fetch, this reader fetches it.
     */
    Optional<PinnedShard> handle(Dataset reader) {
      CompletableFuture<Optional<PinnedShard>> f;
      boolean mine = false;
      synchronized (this) {
        if (released) {
          return Optional.empty();
        }
        if (fetch == null) {
          fetch = new CompletableFuture<>();
          mine = true;
        }
        f = fetch;
      }
      if (mine) {
        run(reader, f);
      } else if (!running && !f.isDone()) {
        return Optional.empty();
      }
      try {
        return f.join();
      } catch (CompletionException | CancellationException e) {
        return Optional.empty();
      }
    }

    private synchronized boolean isReleased() {
      return released;
    }

    void release() {
      CompletableFuture<Optional<PinnedShard>> f;
      synchronized (this) {
        released = true;
        f = fetch;
      }
      if (f != null) {
        var unused = f.thenAccept(h -> h.ifPresent(PinnedShard::close)); // now, or when it ends
      }
    }
  }
}
