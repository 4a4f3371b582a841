package io.btfshybrid.spark;

import java.util.Set;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/** One release as a read-only batch table. */
final class ReleaseTable implements SupportsRead {
  private final SourceOptions options;

  ReleaseTable(SourceOptions options) {
    this.options = options;
  }

  @Override
  public String name() {
    return "btfs-hybrid:" + options.manifest();
  }

  @Override
  @SuppressWarnings("deprecation") // Table.schema() is what Spark 3.5 and 4.0 both call
  public StructType schema() {
    return Schemas.of(options.granularity());
  }

  @Override
  public Set<TableCapability> capabilities() {
    return Set.of(TableCapability.BATCH_READ);
  }

  @Override
  public ScanBuilder newScanBuilder(CaseInsensitiveStringMap ignored) {
    return new ReleaseScanBuilder(options);
  }
}
