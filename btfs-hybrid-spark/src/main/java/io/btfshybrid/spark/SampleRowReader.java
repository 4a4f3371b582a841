package io.btfshybrid.spark;

import io.btfshybrid.api.DatasetManifest;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.core.Dataset;
import io.btfshybrid.core.DatasetClient;
import io.btfshybrid.loader.EpochPlan;
import io.btfshybrid.loader.Loader;
import io.btfshybrid.loader.SampleDataset;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.PrimitiveIterator;
import java.util.stream.LongStream;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Sample rows of one partition through the loader's {@link SampleDataset}: the samples of a group
 * of shards in index order, or one rank's share of an epoch in the {@link Loader}'s order. Key and
 * length come from the verified index; {@code content} is one verified range read per sample.
 */
final class SampleRowReader implements PartitionReader<InternalRow> {
  private final Dataset ds;
  private final SampleDataset samples;
  private final Loader loader;
  private final PrimitiveIterator.OfLong order;
  private final Columns<Long> columns;
  private InternalRow row;

  private SampleRowReader(
      Dataset ds, Loader loader, PrimitiveIterator.OfLong order, StructType required)
      throws IOException {
    this.ds = ds;
    this.samples = SampleDataset.open(ds);
    this.loader = loader;
    this.order = order;
    DatasetManifest m = ds.manifest();
    List<ShardEntry> shards = ds.shards();
    this.columns =
        new Columns<>(
            required,
            Map.<String, Columns.Getter<Long>>of(
                Schemas.PATH,
                g ->
                    UTF8String.fromString(
                        ReleasePaths.rowPath(
                            m.datasetId(), m.version(), shards.get(samples.ref(g).shard()).path())),
                "sampleIndex",
                g -> samples.ref(g).indexInShard(),
                "globalIndex",
                g -> g,
                "key",
                g -> UTF8String.fromString(samples.key(g)),
                "length",
                samples::length,
                Schemas.CONTENT,
                g -> bytes(samples.get(g).bytes())));
  }

  /** A reader of {@code partition}'s samples. */
  static SampleRowReader open(
      DatasetClient client, SamplePartition partition, StructType required, SourceOptions options)
      throws IOException {
    Dataset ds = partition.pin().open(client);
    try {
      if (partition.rank() >= 0) {
        Loader loader =
            options
                .order()
                .apply(Loader.builder(client), partition.pin().manifestUri(), partition.rank())
                .build();
        EpochPlan plan = loader.plan(options.order().epoch());
        PrimitiveIterator.OfLong rank = plan.rankOrder(0);
        PrimitiveIterator.OfLong bounded =
            LongStream.generate(rank::nextLong).limit(plan.samplesForRank()).iterator();
        return new SampleRowReader(ds, loader, bounded, required);
      }
      return new SampleRowReader(ds, null, indexes(ds, partition.shards()), required);
    } catch (IOException | RuntimeException e) {
      ds.close();
      throw e;
    }
  }

  /** The global indexes of the samples of {@code paths}, in order. */
  private static PrimitiveIterator.OfLong indexes(Dataset ds, List<String> paths) {
    LongStream all = LongStream.empty();
    long start = 0;
    for (ShardEntry s : ds.shards()) {
      if (paths.contains(s.path())) {
        all = LongStream.concat(all, LongStream.range(start, start + s.sampleCount()));
      }
      start += s.sampleCount();
    }
    return all.iterator();
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  @Override
  public boolean next() throws IOException {
    if (!order.hasNext()) {
      return false;
    }
    row = columns.row(order.nextLong());
    return true;
  }

  @Override
  public InternalRow get() {
    return row;
  }

  @Override
  public void close() {
    samples.close();
    if (loader != null) {
      loader.close();
    }
    ds.close();
  }
}
