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

  long length(long global) throws IOException {
    int i = streamOf(global);
    return datasets.get(i).length(global - offsets[i]);
  }

  ShardEntry shard(long global) {
    int i = streamOf(global);
    SampleDataset d = datasets.get(i);
    return d.shards().get(d.ref(global - offsets[i]).shard());
  }

  Sample read(long global) throws IOException {
    int i = streamOf(global);
    SampleDataset d = datasets.get(i);
    return d.get(d.ref(global - offsets[i]), global);
  }
}
