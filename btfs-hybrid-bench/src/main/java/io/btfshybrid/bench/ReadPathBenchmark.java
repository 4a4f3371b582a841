package io.btfshybrid.bench;

import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.core.Dataset;
import io.btfshybrid.core.DatasetClient;
import io.btfshybrid.core.TrustRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Issue 13, benchmark 5 (the read path on the cores it has): (a) a cold read through the disk cache
 * against an uncached verified read of the same shards; (b) warm (cached) reads of two shards on
 * two threads against the same two on one thread; (c) one warm large shard read by one consumer
 * thread against one core's {@code MessageDigest} SHA-256 over the same file, read the plain way
 * (a {@code FileInputStream}) and the fastest way (into an aligned direct buffer); the ratio is to
 * the faster of the two. Methods are
 * interleaved run by run; ratios are of medians of one run. Each row also shows the bytes per
 * second of the process's CPU time (every thread: readers, verifiers, cache writers), which tells
 * what a method costs even when other processes share the cores.
 *
 * <p>Options: {@code --shards 8 --shard-mib 32 --big-mib 1024 --chunk-mib 1 --runs 3 --dir DIR
 * --passes 8 --parts abc} (passes: how often (b) reads each of its two shards per run; parts: which
 * comparisons to run).
 */
public final class ReadPathBenchmark {
  private ReadPathBenchmark() {}

  /** Runs the three comparisons and prints a table. */
  public static void main(String[] args) throws Exception {
    int shards = intOption(args, "--shards", 8);
    int shardMiB = intOption(args, "--shard-mib", 32);
    int bigMiB = intOption(args, "--big-mib", 1024);
    int chunkMiB = intOption(args, "--chunk-mib", 1);
    int runs = intOption(args, "--runs", 3);
    int passes = intOption(args, "--passes", 8);
    String parts = stringOption(args, "--parts", "abc");
    Path dir =
        Files.createTempDirectory(
            Path.of(stringOption(args, "--dir", System.getProperty("java.io.tmpdir"))), "readpath");
    try {
      BenchSupport.LocalRelease release =
          BenchSupport.publish(
              dir.resolve("small"),
              shards,
              ((long) shards * shardMiB) << 20,
              chunkMiB << 20,
              1,
              false);
      if (parts.contains("a")) {
        coldVersusUncached(release, dir, runs);
      }
      if (parts.contains("b")) {
        twoThreads(release, dir, runs, passes);
      }
      if (parts.contains("c")) {
        BenchSupport.LocalRelease big =
            BenchSupport.publish(
                dir.resolve("big"), 1, (long) bigMiB << 20, chunkMiB << 20, 2, false);
        oneConsumerVersusOneCore(big, dir, runs);
      }
    } finally {
      BenchSupport.deleteRecursively(dir);
    }
  }

  private static DatasetClient.Builder client(BenchSupport.LocalRelease r) {
    return DatasetClient.builder().tier(r.tier()).trust(TrustRoot.of(r.signer().publicKeyset()));
  }

  private static long readAll(Dataset ds, List<ShardEntry> shards, byte[] buf) throws IOException {
    long total = 0;
    for (ShardEntry s : shards) {
      total += BenchSupport.drain(ds.openShard(s.path()), buf);
    }
    return total;
  }

  /** (a) cold cached (a fresh cache directory each run) vs uncached, interleaved. */
  private static void coldVersusUncached(BenchSupport.LocalRelease r, Path dir, int runs)
      throws IOException {
    byte[] buf = new byte[64 << 10];
    RunSamples uncached = new RunSamples(runs);
    RunSamples cold = new RunSamples(runs);
    for (int run = -1; run < runs; run++) { // run -1 warms up the JIT and the page cache
      try (DatasetClient c = client(r).build();
          Dataset ds = c.open(r.published().manifestUri())) {
        long t0 = System.nanoTime();
        long c0 = processCpu();
        long n = readAll(ds, r.shards(), buf);
        if (run >= 0) {
          uncached.add(run, n, System.nanoTime() - t0, processCpu() - c0);
        }
      }
      Path cache = dir.resolve("cold-cache-" + run);
      try (DatasetClient c = client(r).cacheDirectory(cache).cacheMaxBytes(8L << 30).build();
          Dataset ds = c.open(r.published().manifestUri())) {
        long t0 = System.nanoTime();
        long c0 = processCpu();
        long n = readAll(ds, r.shards(), buf);
        if (run >= 0) {
          cold.add(run, n, System.nanoTime() - t0, processCpu() - c0);
        }
        if (c.stats().cacheFills() != r.shards().size()) {
          throw new IllegalStateException("expected a fill per shard: " + c.stats());
        }
      }
      BenchSupport.deleteRecursively(cache);
    }
    print("(a) uncached verified read", uncached, null);
    print("(a) cold read through the cache", cold, uncached);
  }

  /**
   * (b) warm cached reads of two shards, each read {@code passes} times per run (so a run lasts long
   * enough to time): one thread after the other vs two threads at once.
   */
  private static void twoThreads(BenchSupport.LocalRelease r, Path dir, int runs, int passes)
      throws Exception {
    for (long readAhead : new long[] {0, DatasetClient.DEFAULT_READ_AHEAD_BYTES}) {
      Path cache = dir.resolve("warm-cache");
      RunSamples one = new RunSamples(runs);
      RunSamples two = new RunSamples(runs);
      List<ShardEntry> pair = new ArrayList<>();
      for (int pass = 0; pass < passes; pass++) {
        pair.addAll(r.shards().subList(0, 2));
      }
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try (DatasetClient c =
              client(r).cacheDirectory(cache).cacheMaxBytes(8L << 30).readAhead(readAhead).build();
          Dataset ds = c.open(r.published().manifestUri())) {
        readAll(ds, pair.subList(0, 2), new byte[64 << 10]); // fills the cache
        for (int run = -1; run < runs; run++) {
          long t0 = System.nanoTime();
          long c0 = processCpu();
          long n = readAll(ds, pair, new byte[64 << 10]);
          long t1 = System.nanoTime();
          long c1 = processCpu();
          List<Future<Long>> both = new ArrayList<>();
          for (int t = 0; t < 2; t++) {
            List<ShardEntry> mine = r.shards().subList(t, t + 1);
            both.add(
                pool.submit(
                    () -> {
                      long read = 0;
                      for (int pass = 0; pass < passes; pass++) {
                        read += readAll(ds, mine, new byte[64 << 10]);
                      }
                      return read;
                    }));
          }
          long m = 0;
          for (Future<Long> f : both) {
            m += f.get();
          }
          long t2 = System.nanoTime();
          if (run >= 0) {
            one.add(run, n, t1 - t0, c1 - c0);
            two.add(run, m, t2 - t1, processCpu() - c1);
          }
        }
      } finally {
        pool.shutdownNow();
        BenchSupport.deleteRecursively(cache);
      }
      String label = readAhead == 0 ? "read-ahead off" : "read-ahead " + (readAhead >> 20) + " MiB";
      print("(b) warm, 2 shards, 1 thread, " + label, one, null);
      print("(b) warm, 2 shards, 2 threads, " + label, two, one);
    }
  }

  /** (c) one warm large shard, one consumer, vs MessageDigest over the same file on one core. */
  private static void oneConsumerVersusOneCore(BenchSupport.LocalRelease r, Path dir, int runs)
      throws IOException {
    Path cache = dir.resolve("big-cache");
    ShardEntry shard = r.shards().get(0);
    RunSamples digest = new RunSamples(runs);
    RunSamples aligned = new RunSamples(runs);
    RunSamples library = new RunSamples(runs);
    RunSamples serial = new RunSamples(runs);
    byte[] buf = new byte[64 << 10];
    MessageDigest md = BenchSupport.sha256();
    try (DatasetClient c = client(r).cacheDirectory(cache).cacheMaxBytes(8L << 30).build();
        DatasetClient s =
            client(r).cacheDirectory(cache).cacheMaxBytes(8L << 30).readAhead(0).build();
        Dataset ds = c.open(r.published().manifestUri());
        Dataset dsSerial = s.open(r.published().manifestUri())) {
      readAll(ds, List.of(shard), buf); // fills the cache
      Path cached = cache.resolve(shard.storedSha256());
      for (int run = -1; run < runs; run++) {
        long t0 = System.nanoTime();
        long c0 = processCpu();
        BenchSupport.digestFile(cached, buf, md);
        long ta = System.nanoTime();
        long ca = processCpu();
        BenchSupport.digestFileAligned(cached, md);
        long t1 = System.nanoTime();
        long c1 = processCpu();
        long n = readAll(ds, List.of(shard), buf);
        long t2 = System.nanoTime();
        long c2 = processCpu();
        long m = readAll(dsSerial, List.of(shard), buf);
        long t3 = System.nanoTime();
        if (run >= 0) {
          digest.add(run, shard.storedSize(), ta - t0, ca - c0);
          aligned.add(run, shard.storedSize(), t1 - ta, c1 - ca);
          library.add(run, n, t2 - t1, c2 - c1);
          serial.add(run, m, t3 - t2, processCpu() - c2);
        }
      }
    } finally {
      BenchSupport.deleteRecursively(cache);
    }
    String size = (shard.storedSize() >> 20) + " MiB";
    print("(c) MessageDigest SHA-256 of the cached " + size + " file, 1 core", digest, null);
    print("(c) the same, read into an aligned direct buffer, 1 core", aligned, null);
    RunSamples best = aligned.wallMedian() > digest.wallMedian() ? aligned : digest;
    print("(c) warm verified read, 1 consumer, read-ahead (default)", library, best);
    print("(c) warm verified read, 1 consumer, read-ahead off", serial, best);
  }

  private static void print(String what, RunSamples samples, RunSamples base) {
    String ratio =
        base == null
            ? ""
            : String.format(Locale.ROOT, "  %.2fx", samples.wallMedian() / base.wallMedian());
    System.out.printf(
        Locale.ROOT,
        "%-68s %8.1f MB/s (median)%-7s %7.0f MB per CPU-second%n",
        what,
        samples.wallMedian(),
        ratio,
        RunSamples.median(samples.cpu));
  }

  /** CPU time of every thread of this process so far. */
  private static long processCpu() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  static int intOption(String[] args, String name, int fallback) {
    return Integer.parseInt(stringOption(args, name, Integer.toString(fallback)));
  }

  static String stringOption(String[] args, String name, String fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return fallback;
  }
}
