package io.btfshybrid.spark;

import io.btfshybrid.loader.Loader;
import io.btfshybrid.loader.ShuffleAlgorithm;
import java.io.Serializable;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An epoch's order for sample rows: with option {@code epoch}, partition {@code r} of {@code ranks}
 * holds exactly what rank {@code r} of a {@link Loader} with these inputs reads in that epoch, in
 * its order; the other inputs default to the loader's.
 */
record SampleOrder(
    int epoch,
    int ranks,
    int batchSize,
    long seed,
    ShuffleAlgorithm shuffle,
    int blockSize,
    int canonicalPartitions,
    boolean dropLast)
    implements Serializable {

  /** The order the options ask for, or empty when they give no {@code epoch}. */
  static Optional<SampleOrder> parse(Map<String, String> o) {
    if (!o.containsKey("epoch")) {
      return Optional.empty();
    }
    return Optional.of(
        new SampleOrder(
            number(o, "epoch", 0),
            number(o, "ranks", 1),
            number(o, "batchsize", 1),
            Long.parseLong(o.getOrDefault("seed", "0")),
            ShuffleAlgorithm.valueOf(
                o.getOrDefault("shuffle", ShuffleAlgorithm.BLOCK_SPREAD.name())
                    .toUpperCase(Locale.ROOT)),
            number(o, "blocksize", 1 << 18),
            number(o, "canonicalpartitions", Loader.DEFAULT_CANONICAL_PARTITIONS),
            Boolean.parseBoolean(o.getOrDefault("droplast", "false"))));
  }

  private static int number(Map<String, String> o, String key, int fallback) {
    String v = o.get(key);
    try {
      int n = v == null ? fallback : Integer.parseInt(v.trim());
      if (n < 0 || (n == 0 && !key.equals("epoch"))) {
        throw new NumberFormatException("out of range");
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "option '" + key + "' = '" + v + "' is not a positive whole number", e);
    }
  }

  /** A loader over {@code manifest} for rank {@code rank} with these order inputs. */
  Loader.Builder apply(Loader.Builder b, String manifest, int rank) {
    return b.stream(manifest)
        .topology(new io.btfshybrid.loader.Topology(rank, ranks, 1))
        .batchSize(batchSize)
        .seed(seed)
        .shuffle(shuffle)
        .blockSize(blockSize)
        .canonicalPartitions(canonicalPartitions)
        .dropLast(dropLast)
        .readThreads(1)
        .prefetchSamples(1);
  }
}
