package io.btfshybrid.loader;

import java.util.Arrays;

/** A stream's samples: how many each shard holds, as prefix sums (one long per shard). */
final class SampleSpace {
  /** {@code starts[k]}: the first sample of shard {@code k}; {@code starts[shards]}: the total. */
  private final long[] starts;

  private SampleSpace(long[] starts) {
    this.starts = starts;
  }

  /** The space of shards holding {@code counts[k]} samples each, in manifest order. */
  static SampleSpace of(long[] counts) {
    long[] starts = new long[counts.length + 1];
    for (int k = 0; k < counts.length; k++) {
      if (counts[k] < 0) {
        throw new IllegalArgumentException("shard " + k + " has " + counts[k] + " samples");
      }
      starts[k + 1] = Math.addExact(starts[k], counts[k]);
    }
    return new SampleSpace(starts);
  }

  long size() {
    return starts[starts.length - 1];
  }

  int shards() {
    return starts.length - 1;
  }

  /** The first sample of shard {@code k} ({@code k == shards()}: the total). */
  long start(int k) {
    return starts[k];
  }

  /** The shard holding sample {@code sample} (empty shards never hold one). */
  int shardOf(long sample) {
    int at = Arrays.binarySearch(starts, sample);
    if (at >= 0) {
      // the last of several shards starting here: the earlier ones are empty
      while (at + 1 < starts.length && starts[at + 1] == sample) {
        at++;
      }
      return at;
    }
    return -at - 2;
  }
}
