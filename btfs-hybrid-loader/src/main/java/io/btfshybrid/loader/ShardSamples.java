package io.btfshybrid.loader;

import io.btfshybrid.api.SampleFormat;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.core.samples.ShardSampleIndex;

/** How to find the samples of one shard: from its index, or the whole file for a raw shard. */
final class ShardSamples {
  private final ShardEntry shard;
  private final ShardSampleIndex index;

  ShardSamples(ShardEntry shard, ShardSampleIndex index) {
    this.shard = shard;
    this.index = index;
  }

  ShardEntry shard() {
    return shard;
  }

  /** Bytes the decoded index holds (its weight in the index cache). */
  int weight() {
    return 64 + (index == null ? 0 : 32 * index.sampleCount());
  }

  String key(int i) {
    if (index != null) {
      return index.key(i);
    }
    String path = shard.path();
    int dot = path.lastIndexOf('.');
    return dot > path.lastIndexOf('/') ? path.substring(0, dot) : path;
  }

  int members(int i) {
    return index == null ? 1 : index.memberCount(i);
  }

  String field(int i, int m) {
    if (index != null) {
      return index.field(i, m);
    }
    String path = shard.path();
    int dot = path.lastIndexOf('.');
    return dot > path.lastIndexOf('/') ? path.substring(dot + 1) : "";
  }

  long offset(int i, int m) {
    return index == null ? 0 : index.memberOffset(i, m);
  }

  long length(int i, int m) {
    return index == null ? shard.size() : index.memberLength(i, m);
  }

  long sampleLength(int i) {
    return index == null ? shard.size() : index.sampleLength(i);
  }

  SampleFormat format() {
    return index == null ? SampleFormat.RAW : index.format();
  }
}
