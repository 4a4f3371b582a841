package io.btfshybrid.loader;

import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.core.Dataset;
import io.btfshybrid.core.DatasetClient;
import io.btfshybrid.core.PinnedShard;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link ShardCache} over a client's disk cache. Pinning is bookkeeping on the consumer's thread;
 * the first read of a pinned shard (on a read thread) fetches the whole shard into the cache,
 * verified once, and later reads of it are cut from the local copy, each chunk verified once per
 * pin. With the last unpin the copy may be evicted again.
 */
final class ClientShardCache implements ShardCache {
  private final DatasetClient client;
  private final long budget;
  private final java.util.Set<Key> known = ConcurrentHashMap.newKeySet();
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
    dataset.shards().forEach(s -> known.add(Key.of(s)));
  }

  @Override
  public long budgetBytes() {
    return budget;
  }

  @Override
  public synchronized void pin(ShardEntry shard) {
    Key key = Key.of(shard);
    if (!known.contains(key)) {
      throw new IllegalArgumentException(
          "shard '" + shard.path() + "' is not of a release a loader opened with this cache");
    }
    slots.computeIfAbsent(key, k -> new Slot(shard)).refs++;
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

  /** One pinned shard: its pin count and, once a read asked, its handle in the disk cache. */
  private static final class Slot {
    private final ShardEntry shard;
    private int refs; // guarded by ClientShardCache.this
    private volatile Optional<PinnedShard> handle; // set under this
    private boolean released; // guarded by this

    Slot(ShardEntry shard) {
      this.shard = shard;
    }

    /**
     * The pinned copy, fetched through {@code reader} by the first reader (others wait for it: it
     * is running, not queued).
     */
    Optional<PinnedShard> handle(Dataset reader) throws IOException {
      Optional<PinnedShard> ready = handle;
      return ready != null ? ready : fetch(reader);
    }

    private synchronized Optional<PinnedShard> fetch(Dataset reader) throws IOException {
      if (released) {
        return Optional.empty();
      }
      if (handle == null) {
        handle = reader.pin(shard.path());
      }
      return handle;
    }

    synchronized void release() {
      released = true;
      if (handle != null) {
        handle.ifPresent(PinnedShard::close);
      }
      handle = Optional.empty();
    }
  }
}
