package io.btfshybrid.spark;

import io.btfshybrid.core.config.Sizes;
import java.io.Serializable;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The options of a read, as shipped to every executor: where the client configuration and trust
 * root are, cache and region, granularity and partition size. Keys are case-insensitive; an unknown
 * key is refused so that a typo does not silently change a read.
 */
record SourceOptions(
    String manifest,
    ClientSpec client,
    Granularity granularity,
    long maxPartitionBytes,
    SampleOrder order)
    implements Serializable {
  /** Spark's own default for {@code spark.sql.files.maxPartitionBytes}. */
  static final long DEFAULT_PARTITION_BYTES = 128L << 20;

  private static final Set<String> KEYS =
      Set.of(
          "manifest",
          "config",
          "configyaml",
          "trust",
          "cachedir",
          "cachemaxbytes",
          "region",
          "granularity",
          "maxpartitionbytes",
          "epoch",
          "ranks",
          "batchsize",
          "seed",
          "shuffle",
          "blocksize",
          "canonicalpartitions",
          "droplast",
          "path",
          "paths");

  /** What one row is. */
  enum Granularity {
    SHARD,
    SAMPLE
  }

  /** Parses Spark's options (keys in any case). */
  static SourceOptions parse(Map<String, String> raw) {
    Map<String, String> o = lower(raw);
    for (String key : o.keySet()) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException(
            "unknown option '" + key + "' for format 'btfs-hybrid'; valid options: " + KEYS);
      }
    }
    String manifest = o.get("manifest");
    if (manifest == null || manifest.isBlank()) {
      throw new IllegalArgumentException(
          "format 'btfs-hybrid' needs option 'manifest' (DATASET@VERSION or a manifest URI)");
    }
    Granularity g;
    try {
      g = Granularity.valueOf(o.getOrDefault("granularity", "shard").toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "option 'granularity' = '" + o.get("granularity") + "' is not one of shard, sample", e);
    }
    long partitionBytes =
        o.containsKey("maxpartitionbytes")
            ? Sizes.parse(o.get("maxpartitionbytes"))
            : DEFAULT_PARTITION_BYTES;
    if (partitionBytes <= 0) {
      throw new IllegalArgumentException(
          "option 'maxPartitionBytes' = '" + o.get("maxpartitionbytes") + "' must be positive");
    }
    return new SourceOptions(
        manifest, ClientSpec.of(o), g, partitionBytes, SampleOrder.parse(o).orElse(null));
  }

  /** {@code raw} with lower-case keys. */
  static Map<String, String> lower(Map<String, String> raw) {
    Map<String, String> out = new java.util.TreeMap<>();
    raw.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), v));
    return out;
  }
}
