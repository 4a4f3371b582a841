package io.btfshybrid.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * A sum of {@code length(content)} over a release read by the {@code btfs-hybrid} source (every
 * byte verified, no cache) against Spark's own {@code binaryFile} source over the same files on
 * local disk, interleaved in one session; prints rows/s, MB/s and their ratio. Run by {@code
 * bench.sh} (see {@link BinaryFileBenchmarkIT}).
 */
final class BinaryFileBenchmark {
  private BinaryFileBenchmark() {}

  /**
   * Runs with {@code totalBytes} in {@code files} files under {@code work}, {@code rounds} times.
   */
  static String run(Path work, long totalBytes, int files, int rounds, SparkSession spark)
      throws IOException {
    Fixture fx = new Fixture(work);
    Path source = work.resolve("src-bench");
    long each = totalBytes / files;
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < files; i++) {
      Path f = source.resolve(String.format(Locale.ROOT, "shards/%04d.bin", i));
      Files.createDirectories(f.getParent());
      try (OutputStream out = Files.newOutputStream(f)) {
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        for (long done = 0; done < each; done += buf.capacity()) {
          buf.clear();
          while (buf.hasRemaining()) {
            buf.putLong(random.nextLong());
          }
          out.write(buf.array(), 0, (int) Math.min(buf.capacity(), each - done));
        }
      }
    }
    long t0 = System.nanoTime();
    fx.publish("bench", source, "bench", "1.0");
    double publishSeconds = (System.nanoTime() - t0) / 1e9;
    String yaml = fx.yaml("bench", "file");
    List<double[]> ours = new ArrayList<>();
    List<double[]> theirs = new ArrayList<>();
    StringBuilder report = new StringBuilder();
    report.append(
        String.format(
            Locale.ROOT,
            "release: %d files, %d bytes (published in %.1f s)%n",
            files,
            each * files,
            publishSeconds));
    Dataset<Row> binaryFile =
        spark.read().format("binaryFile").load(source.resolve("shards").toString());
    Dataset<Row> release =
        spark
            .read()
            .format("btfs-hybrid")
            .option("manifest", "bench@1.0")
            .option("configYaml", yaml)
            .load();
    // one untimed round each: class loading, code generation and the JIT
    time(binaryFile, each * files, files);
    time(release, each * files, files);
    for (int r = 0; r < rounds; r++) {
      theirs.add(time(binaryFile, each * files, files));
      ours.add(time(release, each * files, files));
      report.append(
          String.format(
              Locale.ROOT,
              "round %d: binaryFile %.0f rows/s %.0f MB/s | btfs-hybrid %.0f rows/s %.0f MB/s%n",
              r,
              theirs.get(r)[0],
              theirs.get(r)[1],
              ours.get(r)[0],
              ours.get(r)[1]));
    }
    double a = median(ours);
    double b = median(theirs);
    report.append(
        String.format(
            Locale.ROOT,
            "median MB/s: btfs-hybrid %.0f, binaryFile %.0f, ratio %.2f (target >= 0.70)%n",
            a,
            b,
            a / b));
    return report.toString();
  }

  /** {rows/s, MB/s} of summing the content lengths of {@code df}; checks the sum and count. */
  private static double[] time(Dataset<Row> df, long bytes, int rows) {
    long start = System.nanoTime();
    Row r =
        df.agg(functions.sum(functions.length(functions.col("content"))), functions.count("*"))
            .first();
    double s = (System.nanoTime() - start) / 1e9;
    if (r.getLong(0) != bytes || r.getLong(1) != rows) {
      throw new IllegalStateException("read " + r + ", expected " + bytes + " bytes, " + rows);
    }
    return new double[] {rows / s, bytes / s / 1e6};
  }

  private static double median(List<double[]> runs) {
    double[] mbs = runs.stream().mapToDouble(x -> x[1]).sorted().toArray();
    return mbs[mbs.length / 2];
  }
}
