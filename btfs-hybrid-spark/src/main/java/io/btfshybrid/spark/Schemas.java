package io.btfshybrid.spark;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The row schemas: shard rows in the shape of Spark's {@code binaryFile} source, sample rows. */
final class Schemas {
  static final String PATH = "path";
  static final String CONTENT = "content";

  /** {@code binaryFile}'s columns plus the shard's SHA-256, dataset id and version. */
  static final StructType SHARD =
      new StructType(
          new StructField[] {
            field(PATH, DataTypes.StringType, false),
            field("modificationTime", DataTypes.TimestampType, false),
            field("length", DataTypes.LongType, false),
            field(CONTENT, DataTypes.BinaryType, true),
            field("sha256", DataTypes.StringType, false),
            field("datasetId", DataTypes.StringType, false),
            field("version", DataTypes.StringType, false)
          });

  /** One sample: its shard's row path, index in the shard and in the release, key and bytes. */
  static final StructType SAMPLE =
      new StructType(
          new StructField[] {
            field(PATH, DataTypes.StringType, false),
            field("sampleIndex", DataTypes.LongType, false),
            field("globalIndex", DataTypes.LongType, false),
            field("key", DataTypes.StringType, false),
            field("length", DataTypes.LongType, false),
            field(CONTENT, DataTypes.BinaryType, true)
          });

  private Schemas() {}

  private static StructField field(String name, org.apache.spark.sql.types.DataType t, boolean n) {
    return new StructField(name, t, n, Metadata.empty());
  }

  /** The schema of {@code granularity}. */
  static StructType of(SourceOptions.Granularity granularity) {
    return granularity == SourceOptions.Granularity.SHARD ? SHARD : SAMPLE;
  }
}
