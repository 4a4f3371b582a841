package io.btfshybrid.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.types.StructType;

/** Runs on executors: a reader per partition, over this JVM's client for the read's options. */
final class ReleaseReaders implements PartitionReaderFactory {
  private final SourceOptions options;
  private final StructType required;

  ReleaseReaders(SourceOptions options, StructType required) {
    this.options = options;
    this.required = required;
  }

  @Override
  public PartitionReader<InternalRow> createReader(InputPartition partition) {
    try {
      if (partition instanceof ShardPartition p) {
        return new ShardRowReader(Clients.get(options.client()), p, required);
      }
      SamplePartition p = (SamplePartition) partition;
      return SampleRowReader.open(Clients.get(options.client()), p, required, options);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
