package io.btfshybrid.loader;

import io.btfshybrid.api.IntegrityException;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.core.Dataset;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;

/** Where a sample dataset's shard list and verified byte ranges come from (a Dataset). */
interface ShardBytes {
  List<ShardEntry> shards();

  String manifestHash();

  /** {@code length} verified bytes of {@code shard} from {@code offset}, all of them. */
  ByteBuffer read(ShardEntry shard, long offset, int length) throws IOException;

  /** A verified ranged read of {@code dataset}'s tiers (or its cache), exactly {@code length}. */
  static ByteBuffer readRange(Dataset dataset, ShardEntry shard, long offset, int length)
      throws IOException {
    byte[] span;
    try (InputStream in = dataset.openShard(shard.path(), offset, length)) {
      span = in.readNBytes(length);
    }
    if (span.length != length) {
      throw new IntegrityException(
          shard.path(), offset + span.length, null, "the shard ended inside a sample");
    }
    return ByteBuffer.wrap(span);
  }

  /** The verified ranges of {@code dataset}, from {@code cache}'s pinned copies when pinned. */
  static ShardBytes pinned(Dataset dataset, ClientShardCache cache) {
    return new OfDataset(dataset, cache);
  }

  /** The verified ranges of {@code dataset}, each a ranged read. */
  static ShardBytes of(Dataset dataset) {
    return new OfDataset(dataset, null);
  }

  /** A dataset's shards, read through {@code cache} when there is one. */
  record OfDataset(Dataset dataset, ClientShardCache cache) implements ShardBytes {
    @Override
    public List<ShardEntry> shards() {
      return dataset.shards();
    }

    @Override
    public String manifestHash() {
      return dataset.manifestHash();
    }

    @Override
    public ByteBuffer read(ShardEntry shard, long offset, int length) throws IOException {
      return cache == null
          ? readRange(dataset, shard, offset, length)
          : cache.read(dataset, shard, offset, length);
    }
  }
}
