package io.btfshybrid.spark;

import java.util.Map;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * The Spark data source {@code btfs-hybrid}: {@code
 * spark.read.format("btfs-hybrid").option("manifest", "DATASET@VERSION").option("config",
 * "btfs-hybrid.yaml").load()} gives one verified row per shard (the schema of {@code binaryFile}
 * plus {@code sha256}, {@code datasetId}, {@code version}) or, with {@code granularity=sample}, one
 * per sample. Every executor builds its own client from the options and verifies its own reads.
 */
public final class BtfsHybridSource implements TableProvider, DataSourceRegister {
  /** The short name used with {@code format(...)}. */
  public static final String SHORT_NAME = "btfs-hybrid";

  /** Spark instantiates the source by reflection. */
  public BtfsHybridSource() {}

  @Override
  public String shortName() {
    return SHORT_NAME;
  }

  @Override
  public StructType inferSchema(CaseInsensitiveStringMap options) {
    return Schemas.of(SourceOptions.parse(options.asCaseSensitiveMap()).granularity());
  }

  @Override
  public Table getTable(
      StructType schema, Transform[] partitioning, Map<String, String> properties) {
    return new ReleaseTable(SourceOptions.parse(properties));
  }
}
