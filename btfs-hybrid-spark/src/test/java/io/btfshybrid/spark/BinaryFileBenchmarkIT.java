package io.btfshybrid.spark;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@link BinaryFileBenchmark} on the integration tests' class path (shaded jar, Spark's own
 * Jackson and Guava) only when asked: the build excludes it, {@code btfs-hybrid-spark/bench.sh}
 * names it.
 */
class BinaryFileBenchmarkIT {
  @TempDir Path tmp;

  @Test
  void sumOfContentLengths() throws Exception {
    long bytes = Long.getLong("btfs.bench.bytes", 1L << 30);
    int files = Integer.getInteger("btfs.bench.files", 64);
    int rounds = Integer.getInteger("btfs.bench.rounds", 3);
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("btfs-hybrid-bench")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.memory", "2g")
            .getOrCreate();
    try {
      spark.sparkContext().setLogLevel("WARN");
      String report = BinaryFileBenchmark.run(tmp, bytes, files, rounds, spark);
      System.out.println(report);
      assertTrue(report.contains("ratio"), report);
    } finally {
      spark.stop();
    }
  }
}
