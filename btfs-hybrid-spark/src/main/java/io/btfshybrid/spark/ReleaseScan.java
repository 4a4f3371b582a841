package io.btfshybrid.spark;

import io.btfshybrid.api.DatasetManifest;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.core.Dataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.types.StructType;

/**
 * Plans a read on the driver: opens the release once (verifying its signature), pins it by its
 * immutable {@code dataset@version} address and manifest hash, and cuts the shards, in manifest
 * order, into groups of at most {@code maxPartitionBytes} (at least one shard each).
 */
final class ReleaseScan implements Scan, Batch {
  /** The largest value a Spark binary column holds (a Java array). */
  static final long MAX_BINARY = Integer.MAX_VALUE - 8;

  private final SourceOptions options;
  private final StructType required;
  private final Predicate<String> pathFilter;
  private final String pushed;

  ReleaseScan(
      SourceOptions options, StructType required, Predicate<String> pathFilter, Object[] pushed) {
    this.options = options;
    this.required = required;
    this.pathFilter = pathFilter;
    this.pushed = Arrays.toString(pushed);
  }

  @Override
  public StructType readSchema() {
    return required;
  }

  @Override
  public String description() {
    return "btfs-hybrid " + options.manifest() + " " + options.granularity() + " pushed " + pushed;
  }

  @Override
  public Batch toBatch() {
    return this;
  }

  @Override
  public InputPartition[] planInputPartitions() {
    try (Dataset ds =
        Clients.get(options.client()).open(ReleasePaths.manifestUri(options.manifest()))) {
      DatasetManifest m = ds.manifest();
      ReleasePin pin =
          new ReleasePin(
              ReleasePaths.release(m.datasetId(), m.version()).toString(), ds.manifestHash());
      if (options.granularity() == SourceOptions.Granularity.SAMPLE && options.order() != null) {
        List<InputPartition> ranks = new ArrayList<>();
        for (int r = 0; r < options.order().ranks(); r++) {
          ranks.add(new SamplePartition(pin, List.of(), r));
        }
        return ranks.toArray(InputPartition[]::new);
      }
      boolean content = Arrays.asList(required.fieldNames()).contains(Schemas.CONTENT);
      List<InputPartition> out = new ArrayList<>();
      List<String> group = new ArrayList<>();
      long bytes = 0;
      for (ShardEntry s : m.shards()) {
        if (!pathFilter.test(ReleasePaths.rowPath(m.datasetId(), m.version(), s.path()))) {
          continue;
        }
        if (content
            && options.granularity() == SourceOptions.Granularity.SHARD
            && s.size() > MAX_BINARY) {
          throw new IllegalArgumentException(
              "shard '"
                  + s.path()
                  + "' of "
                  + m.datasetId()
                  + "@"
                  + m.version()
                  + " is "
                  + s.size()
                  + " bytes, more than a Spark binary value holds ("
                  + MAX_BINARY
                  + "); select it without 'content' or read it through the btfs-hybrid:// file"
                  + " system");
        }
        if (!group.isEmpty() && bytes + s.size() > options.maxPartitionBytes()) {
          out.add(partition(pin, group));
          group = new ArrayList<>();
          bytes = 0;
        }
        group.add(s.path());
        bytes += s.size();
      }
      if (!group.isEmpty()) {
        out.add(partition(pin, group));
      }
      return out.toArray(InputPartition[]::new);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private InputPartition partition(ReleasePin pin, List<String> shards) {
    return options.granularity() == SourceOptions.Granularity.SHARD
        ? new ShardPartition(pin, List.copyOf(shards))
        : new SamplePartition(pin, List.copyOf(shards), -1);
  }

  @Override
  public PartitionReaderFactory createReaderFactory() {
    return new ReleaseReaders(options, required);
  }
}
