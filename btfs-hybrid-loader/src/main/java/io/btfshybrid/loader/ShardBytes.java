package io.btfshybrid.loader;

import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.core.Dataset;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** Where a sample dataset's shard list and verified byte ranges come from (a Dataset). */
interface ShardBytes {
  List<ShardEntry> shards();

  String manifestHash();

  /** {@code length} verified bytes of shard {@code path} from {@code offset}. */
  InputStream open(String path, long offset, long length) throws IOException;

  /** The verified ranges of {@code dataset}, from {@code cache}'s pinned copies when pinned. */
  static ShardBytes pinned(Dataset dataset, ClientShardCache cache) {
    ShardBytes tiers = of(dataset);
    return new ShardBytes() {
      @Override
      public List<ShardEntry> shards() {
        return tiers.shards();
      }

      @Override
      public String manifestHash() {
        return tiers.manifestHash();
      }

      @Override
      public InputStream open(String path, long offset, long length) throws IOException {
        return cache.open(dataset, dataset.shard(path), offset, length);
      }
    };
  }

  static ShardBytes of(Dataset dataset) {
    return new ShardBytes() {
      @Override
      public List<ShardEntry> shards() {
        return dataset.shards();
      }

      @Override
      public String manifestHash() {
        return dataset.manifestHash();
      }

      @Override
      public InputStream open(String path, long offset, long length) throws IOException {
        return dataset.openShard(path, offset, length);
      }
    };
  }
}
