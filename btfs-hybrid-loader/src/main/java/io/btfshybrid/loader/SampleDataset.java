package io.btfshybrid.loader;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.google.common.hash.Hashing;
import io.btfshybrid.api.HybridStorageException;
import io.btfshybrid.api.IntegrityException;
import io.btfshybrid.api.SampleIndexRef;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.core.Dataset;
import io.btfshybrid.core.samples.ShardSampleIndex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A release as samples: random access by global index (through shards in manifest order, samples in
 * file order). Index blobs are read when a shard is first touched, verified against the signed
 * manifest's hash, and kept in a cache bounded in bytes. A shard without sample fields (every shard
 * of an older manifest) is one raw sample. Closing drops the indexes, not the dataset.
 */
public final class SampleDataset implements AutoCloseable {
  /** The default bound on decoded indexes held in memory. */
  public static final long DEFAULT_INDEX_CACHE_BYTES = 256L << 20;

  private final Dataset dataset;
  private final ShardBytes bytes;
  private final IndexBlobReader reader;
  private final List<ShardEntry> shards;
  private final SampleSpace space;
  private final LoadingCache<Integer, ShardSamples> indexes;

  SampleDataset(Dataset dataset, ShardBytes bytes, IndexBlobReader reader, long indexCacheBytes) {
    this.dataset = dataset;
    this.bytes = bytes;
    this.reader = reader;
    this.shards = bytes.shards();
    long[] counts = new long[shards.size()];
    for (int k = 0; k < counts.length; k++) {
      counts[k] = shards.get(k).sampleCount();
    }
    this.space = SampleSpace.of(counts);
    this.indexes =
        Caffeine.newBuilder()
            .maximumWeight(indexCacheBytes)
            .<Integer, ShardSamples>weigher((k, v) -> v.weight())
            .build(this::load);
  }

  /** The samples of {@code dataset}, index blobs read from its tiers. */
  public static SampleDataset open(Dataset dataset) throws IOException {
    return open(dataset, IndexBlobReader.tiers(dataset));
  }

  /** The samples of {@code dataset}, index blobs read by {@code reader} (and verified here). */
  public static SampleDataset open(Dataset dataset, IndexBlobReader reader) throws IOException {
    return new SampleDataset(dataset, ShardBytes.of(dataset), reader, DEFAULT_INDEX_CACHE_BYTES);
  }

  /**
   * The samples of {@code dataset}, index blobs read by {@code reader}, bytes from {@code bytes}.
   */
  static SampleDataset open(Dataset dataset, IndexBlobReader reader, ShardBytes bytes) {
    return new SampleDataset(dataset, bytes, reader, DEFAULT_INDEX_CACHE_BYTES);
  }

  /** The dataset read from. */
  public Dataset dataset() {
    return dataset;
  }

  /** How many samples the release holds. */
  public long size() {
    return space.size();
  }

  SampleSpace space() {
    return space;
  }

  List<ShardEntry> shards() {
    return shards;
  }

  String manifestHash() {
    return bytes.manifestHash();
  }

  /** Where sample {@code globalIndex} is. */
  public SampleRef ref(long globalIndex) {
    if (globalIndex < 0 || globalIndex >= size()) {
      throw new IndexOutOfBoundsException(
          "sample " + globalIndex + " outside 0.." + size() + " of " + bytes.manifestHash());
    }
    int shard = space.shardOf(globalIndex);
    return new SampleRef(shard, globalIndex - space.start(shard), globalIndex);
  }

  /** The length of sample {@code globalIndex} (reads its shard's index if not yet held). */
  public long length(long globalIndex) throws IOException {
    return length(ref(globalIndex));
  }

  long length(SampleRef ref) throws IOException {
    return samples(ref.shard()).sampleLength((int) ref.indexInShard());
  }

  /** The key of sample {@code globalIndex}, from its shard's index (no sample bytes are read). */
  public String key(long globalIndex) throws IOException {
    SampleRef ref = ref(globalIndex);
    return samples(ref.shard()).key((int) ref.indexInShard());
  }

  /** Sample {@code globalIndex}, read with one verified range read. */
  public Sample get(long globalIndex) throws IOException {
    return get(ref(globalIndex), globalIndex);
  }

  Sample get(SampleRef ref, long reportedIndex) throws IOException {
    ShardSamples s = samples(ref.shard());
    int i = (int) ref.indexInShard();
    int n = s.members(i);
    long from = s.offset(i, 0);
    long to = s.offset(i, n - 1) + s.length(i, n - 1);
    if (to - from > Integer.MAX_VALUE - 8) {
      throw new HybridStorageException(
          "sample " + s.key(i) + " of shard '" + s.shard().path() + "' is over 2 GiB");
    }
    ByteBuffer span = bytes.read(s.shard(), from, (int) (to - from));
    List<LoadedSample.Member> members = new ArrayList<>(n);
    for (int m = 0; m < n; m++) {
      members.add(
          new LoadedSample.Member(
              s.field(i, m), (int) (s.offset(i, m) - from), (int) s.length(i, m)));
    }
    SampleRef shown = new SampleRef(ref.shard(), ref.indexInShard(), reportedIndex);
    return new LoadedSample(shown, s.shard().path(), s.key(i), span, members);
  }

  private ShardSamples samples(int shard) throws IOException {
    try {
      return indexes.get(shard);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private ShardSamples load(int k) {
    ShardEntry shard = shards.get(k);
    if (!shard.hasSampleIndex()) {
      return new ShardSamples(shard, null);
    }
    try {
      SampleIndexRef ref = shard.sampleIndex();
      byte[] blob = reader.read(shard, ref);
      if (blob.length != ref.size()
          || !Hashing.sha256().hashBytes(blob).toString().equals(ref.sha256())) {
        throw new IntegrityException(
            shard.path(), 0, null, "index blob is not the " + ref.sha256() + " the manifest names");
      }
      ShardSampleIndex index = ShardSampleIndex.parse(shard.path(), blob, shard.size());
      if (index.sampleCount() != shard.sampleCount() || index.format() != shard.format()) {
        throw new HybridStorageException(
            "index blob of shard '"
                + shard.path()
                + "' lists "
                + index.sampleCount()
                + " "
                + index.format().id()
                + " samples, the manifest "
                + shard.sampleCount()
                + " "
                + shard.format().id());
      }
      return new ShardSamples(shard, index);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    indexes.invalidateAll();
  }
}
