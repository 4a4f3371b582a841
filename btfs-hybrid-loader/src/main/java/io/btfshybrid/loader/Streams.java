package io.btfshybrid.loader;

import io.btfshybrid.api.ShardEntry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The streams of a loader as one global sample space: stream offset plus index in stream. */
final class Streams {
  private final List<SampleDataset> datasets;
  private final long[] offsets;

  Streams(List<SampleDataset> datasets) {
    this.datasets = List.copyOf(datasets);
    this.offsets = new long[datasets.size() + 1];
    for (int i = 0; i < datasets.size(); i++) {
      offsets[i + 1] = offsets[i] + datasets.get(i).size();
    }
  }

  List<SampleSpace> spaces() {
    List<SampleSpace> out = new ArrayList<>();
    datasets.forEach(d -> out.add(d.space()));
    return out;
  }

  List<SampleDataset> datasets() {
    return datasets;
  }

  private int streamOf(long global) {
    for (int i = 0; i < datasets.size(); i++) {
      if (global < offsets[i + 1]) {
        return i;
      }
    }
    throw new IndexOutOfBoundsException(
        "sample " + global + " outside 0.." + offsets[offsets.length - 1]);
  }

  /** What admitting a sample needs: its length, its shard and the shard's {@link #shardKey}. */
  record Admission(long length, ShardEntry shard, long shardKey) {}

  /** The length, shard and {@link #shardKey} of sample {@code global}, in one lookup. */
  Admission admission(long global) throws IOException {
    int i = streamOf(global);
    SampleDataset d = datasets.get(i);
    long local = global - offsets[i];
    SampleRef ref = d.ref(local);
    return new Admission(
        d.length(ref), d.shards().get(ref.shard()), ((long) i << 32) | ref.shard());
  }

  /** Identifies the shard of a global sample: stream in the high bits, shard in the low 32. */
  long shardKey(long global) {
    int i = streamOf(global);
    return ((long) i << 32) | datasets.get(i).ref(global - offsets[i]).shard();
  }

  /** Loads the index of the shard holding {@code global}; a failure shows on the real read. */
  void warm(long global) {
    int i = streamOf(global);
    try {
      datasets.get(i).length(global - offsets[i]);
    } catch (IOException | RuntimeException e) {
      // the sample's own read reports it, with its shard and cause
    }
  }

  Sample read(long global) throws IOException {
    int i = streamOf(global);
    SampleDataset d = datasets.get(i);
    return d.get(d.ref(global - offsets[i]), global);
  }
}
