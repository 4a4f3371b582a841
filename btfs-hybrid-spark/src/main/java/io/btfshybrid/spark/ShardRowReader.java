package io.btfshybrid.spark;

import io.btfshybrid.api.DatasetManifest;
import io.btfshybrid.api.HybridStorageException;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.core.Dataset;
import io.btfshybrid.core.DatasetClient;
import java.io.IOException;
import java.io.InputStream;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Shard rows of one partition. {@code content} is the shard read whole through the client's
 * verified path (fallback per chunk, cache); a shard whose bytes cannot be verified fails the task
 * with the typed exception. Without {@code content}, rows come from the signed manifest alone.
 */
final class ShardRowReader implements PartitionReader<InternalRow> {
  private final Dataset ds;
  private final Iterator<String> paths;
  private final Columns<ShardEntry> columns;
  private InternalRow row;

  ShardRowReader(DatasetClient client, ShardPartition partition, StructType required)
      throws IOException {
    this.ds = partition.pin().open(client);
    this.paths = partition.shards().iterator();
    DatasetManifest m = ds.manifest();
    long micros = ChronoUnit.MICROS.between(java.time.Instant.EPOCH, m.createdAt());
    UTF8String dataset = UTF8String.fromString(m.datasetId());
    UTF8String version = UTF8String.fromString(m.version());
    this.columns =
        new Columns<>(
            required,
            Map.<String, Columns.Getter<ShardEntry>>of(
                Schemas.PATH,
                s ->
                    UTF8String.fromString(
                        ReleasePaths.rowPath(m.datasetId(), m.version(), s.path())),
                "modificationTime",
                s -> micros,
                "length",
                ShardEntry::size,
                Schemas.CONTENT,
                this::content,
                "sha256",
                s -> UTF8String.fromString(s.sha256()),
                "datasetId",
                s -> dataset,
                "version",
                s -> version));
  }

  private byte[] content(ShardEntry s) throws IOException {
    if (s.size() > ReleaseScan.MAX_BINARY) {
      throw new HybridStorageException(
          "shard '" + s.path() + "' is " + s.size() + " bytes, over a Spark binary value's limit");
    }
    byte[] bytes;
    try (InputStream in = ds.openShard(s.path())) {
      bytes = in.readNBytes((int) s.size());
      if (bytes.length != s.size() || in.read() != -1) {
        throw new HybridStorageException(
            "shard '" + s.path() + "' did not read back as its " + s.size() + " signed bytes");
      }
    }
    return bytes;
  }

  @Override
  public boolean next() throws IOException {
    if (!paths.hasNext()) {
      return false;
    }
    row = columns.row(ds.shard(paths.next()));
    return true;
  }

  @Override
  public InternalRow get() {
    return row;
  }

  @Override
  public void close() {
    ds.close();
  }
}
