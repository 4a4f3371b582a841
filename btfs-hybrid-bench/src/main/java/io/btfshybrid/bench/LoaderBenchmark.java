package io.btfshybrid.bench;

import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.core.Dataset;
import io.btfshybrid.core.DatasetClient;
import io.btfshybrid.core.FileTier;
import io.btfshybrid.core.PublishResult;
import io.btfshybrid.core.TrustRoot;
import io.btfshybrid.loader.EpochPlan;
import io.btfshybrid.loader.Loader;
import io.btfshybrid.loader.LoaderIterator;
import io.btfshybrid.loader.LoaderStats;
import io.btfshybrid.loader.Sample;
import io.btfshybrid.loader.SampleBatch;
import io.btfshybrid.loader.ShardCache;
import io.btfshybrid.loader.ScalePlanProbe;
import io.btfshybrid.loader.ShuffleAlgorithm;
import io.btfshybrid.loader.Topology;
import io.btfshybrid.s3.S3Tier;
import io.btfshybrid.testkit.LinkConditions;
import io.btfshybrid.testkit.S3TestServer;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PrimitiveIterator;

/**
 * The loader benchmarks of issue 12, one run, printed tables. (1) --local: a WebDataset tar release
 * on a warm local FileTier loaded with BLOCK_SPREAD and 2 read threads, as samples/s and MB/s and
 * as ratios to plain sequential verified streaming of the same shards and to a hand-rolled
 * unverified loader reading the same samples in the loader's order from extracted files (methods
 * interleaved per run; best and median); the loader runs twice: pinning its window in the client's
 * disk cache ({@code ShardCache.of}, warm after the warm-up run: each chunk verified once per pin)
 * and with a verified range read per sample (no cache). (2) --s3: the same release on a cold S3 tier (S3Proxy on
 * disk) behind a loopback proxy adding a first-byte delay and a per-connection rate limit: time to
 * first batch and the fraction of the time the consumer waited for a batch, per sample range reads
 * (no cache) and with {@code ShardCache.of(client)} over a fresh disk cache (whole-shard fetches
 * start as shards are pinned), each without a training step and with a simulated one. (3) --scale: the pure
 * plan of a synthetic 100,000-shard, 10^9-sample table: build time and heap after GC.
 *
 * <p>Options [defaults]: --local --s3 --scale (none: all three), --dir DIR [temp], --keep,
 * --samples N [100000], --sample-bytes N [10240], --per-shard N [1000], --chunk-kib N [64], --batch
 * N [256], --read-threads N [2], --runs N [3], --s3-batches N [40], --s3-step-ms N [100] (the
 * simulated step of the second pair of runs), --io N [32] (Loader.Builder.ioConcurrency),
 * --s3-delay-ms N [30], --s3-mbps N [40], --s3-runs N [1], --scale-shards N [100000],
 * --scale-per-shard N [10000], --scale-iterate N [100000], --scale-world N [8], --scale-rank N [3], --cache-mib N [4096] (the pinned loader's disk
 * cache), --skip-ranged (leave out the per-sample range-read loader).
 */
public final class LoaderBenchmark {
  private static final long SEED = 17;
  private static final String LOADER = "loader: BLOCK_SPREAD, verified range reads";
  private static final String PINNED = "loader: BLOCK_SPREAD, ShardCache.of(client) pins";
  private static final String STREAM = "sequential verified stream (Dataset.openShard)";
  private static final String HAND = "hand-rolled: Files.readAllBytes, loader order";

  private LoaderBenchmark() {}

  /** Runs the selected parts; see the class comment for the options. */
  public static void main(String[] argv) throws Exception {
    Map<String, String> o = options(argv);
    boolean all = !o.containsKey("local") && !o.containsKey("s3") && !o.containsKey("scale");
    System.out.printf(
        "btfs-hybrid loader benchmark  %s  java %s  %d CPUs  loadavg %s%n",
        Instant.now(),
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        loadAverage());
    System.out.println("MB = 10^6 bytes; ratios are from this one run");
    if (all || o.containsKey("scale")) {
      scale(o);
    }
    if (all || o.containsKey("local") || o.containsKey("s3")) {
      Path dir =
          o.containsKey("dir")
              ? Files.createDirectories(Path.of(o.get("dir")))
              : Files.createTempDirectory("btfs-hybrid-loader-bench-");
      try {
        long t0 = System.nanoTime();
        TarRelease release =
            TarRelease.write(
                dir,
                num(o, "samples", 100_000),
                num(o, "per-shard", 1000),
                num(o, "sample-bytes", 10_240),
                SEED);
        System.out.printf(
            "%nsource: %,d samples, %.1f MB of sample bytes, %d per tar shard (written in %.1f s)%n",
            release.samples, release.sampleBytes / 1e6, num(o, "per-shard", 1000), secs(t0));
        if (all || o.containsKey("local")) {
          local(o, dir, release);
        }
        if (all || o.containsKey("s3")) {
          s3(o, dir, release);
        }
      } finally {
        if (!o.containsKey("keep")) {
          BenchSupport.deleteRecursively(dir);
        }
      }
    }
    System.out.printf("%nloadavg at end: %s%n", loadAverage());
  }

  // ---- (1) warm local tier ---------------------------------------------------------------

  private static void local(Map<String, String> o, Path dir, TarRelease release) throws Exception {
    int chunk = num(o, "chunk-kib", 64) * 1024;
    int runs = num(o, "runs", 3);
    FileTier tier = TarRelease.fileTier(dir.resolve("tier"));
    long t0 = System.nanoTime();
    PublishResult published = release.publish(List.of(tier), chunk);
    double publishSecs = secs(t0);
    List<ShardEntry> shards = published.manifest().shards();
    long storedBytes = shards.stream().mapToLong(ShardEntry::storedSize).sum();
    t0 = System.nanoTime();
    Path[] files = release.extract(shards, dir.resolve("extracted"));
    double extractSecs = secs(t0);
    String uri = published.manifestUri().toString();
    DatasetClient client =
        DatasetClient.builder()
            .tier(tier)
            .trust(TrustRoot.of(release.signer.publicKeyset()))
            .build();
    long[] order;
    long orderedBytes = 0;
    try (Loader l = localLoader(o, client, uri, null)) {
      EpochPlan plan = l.plan(0);
      order = new long[Math.toIntExact(plan.samplesForRank())];
      PrimitiveIterator.OfLong it = plan.rankOrder(0);
      for (int i = 0; i < order.length; i++) {
        order[i] = it.nextLong();
        orderedBytes += Files.size(files[(int) order[i]]);
      }
    }
    long samplesPerRun = order.length;
    long payload = orderedBytes;
    DatasetClient cached =
        DatasetClient.builder()
            .tier(tier)
            .trust(TrustRoot.of(release.signer.publicKeyset()))
            .cacheDirectory(dir.resolve("cache"))
            .cacheMaxBytes((long) num(o, "cache-mib", 4096) << 20)
            .build();
    ShardCache window = ShardCache.of(cached);
    Map<String, Method> methods = new LinkedHashMap<>();
    methods.put(
        PINNED,
        new Method(
            samplesPerRun,
            payload,
            () -> {
              try (Loader l = localLoader(o, cached, uri, window)) {
                return drainLoader(l, order);
              }
            }));
    if (!o.containsKey("skip-ranged")) {
      methods.put(
          LOADER,
          new Method(
              samplesPerRun,
              payload,
              () -> {
                try (Loader l = localLoader(o, client, uri, null)) {
                  return drainLoader(l, order);
                }
              }));
    }
    byte[] buf = new byte[256 * 1024];
    methods.put(
        STREAM,
        new Method(
            release.samples,
            storedBytes,
            () -> {
              long n = 0;
              try (Dataset ds = client.open(published.manifestUri())) {
                for (ShardEntry s : shards) {
                  n += BenchSupport.drain(ds.openShard(s.path()), buf);
                }
              }
              return n;
            }));
    methods.put(
        HAND,
        new Method(
            samplesPerRun,
            payload,
            () -> {
              long n = 0;
              for (long g : order) {
                n += Files.readAllBytes(files[(int) g]).length;
              }
              return n;
            }));
    // warm: the page cache, the JIT, and a check that every method reads what it should
    for (Method m : methods.values()) {
      check(m.run.run(), m.bytes);
    }
    Map<String, long[]> nanos = new LinkedHashMap<>();
    methods.keySet().forEach(k -> nanos.put(k, new long[runs]));
    for (int r = 0; r < runs; r++) {
      for (var e : methods.entrySet()) {
        long s = System.nanoTime();
        check(e.getValue().run.run(), e.getValue().bytes);
        nanos.get(e.getKey())[r] = System.nanoTime() - s;
      }
    }
    client.close();
    cached.close();
    System.out.printf(
        "%n(1) warm local FileTier: %,d samples (%,d in the padded epoch), %.1f MB of shards, chunk %d KiB,"
            + " batch %d, %d read threads, %d runs interleaved (publish %.1f s, extract %.1f s)%n",
        release.samples,
        samplesPerRun,
        storedBytes / 1e6,
        chunk / 1024,
        num(o, "batch", 256),
        num(o, "read-threads", 2),
        runs,
        publishSecs,
        extractSecs);
    System.out.printf(
        "  %-50s %10s %10s %8s %8s | %9s %9s%n",
        "method (best / median)", "samples/s", "median", "MB/s", "median", "x stream", "x hand");
    double streamRate = median(nanos.get(STREAM), methods.get(STREAM).samples);
    double handRate = median(nanos.get(HAND), methods.get(HAND).samples);
    double streamBest = best(nanos.get(STREAM), methods.get(STREAM).samples);
    double handBest = best(nanos.get(HAND), methods.get(HAND).samples);
    for (var e : methods.entrySet()) {
      long[] t = nanos.get(e.getKey());
      Method m = e.getValue();
      double med = median(t, m.samples);
      double bst = best(t, m.samples);
      System.out.printf(
          "  %-50s %10.0f %10.0f %8.1f %8.1f | %4.2f/%4.2f %4.2f/%4.2f%n",
          e.getKey(),
          bst,
          med,
          best(t, m.bytes) / 1e6,
          median(t, m.bytes) / 1e6,
          bst / streamBest,
          med / streamRate,
          bst / handBest,
          med / handRate);
    }
    System.out.println(
        "  ratios are samples/s (best/median); the stream's MB/s counts whole shards (tar headers"
            + " included), the others sample bytes");
  }

  private static Loader localLoader(
      Map<String, String> o, DatasetClient client, String uri, ShardCache cache)
      throws IOException {
    return Loader.builder(client).stream(uri)
        .topology(Topology.single())
        .batchSize(num(o, "batch", 256))
        .shuffle(ShuffleAlgorithm.BLOCK_SPREAD)
        .seed(SEED)
        .readThreads(num(o, "read-threads", 2))
        .cache(cache)
        .build();
  }

  /** One epoch of {@code loader}, checking each sample's key against {@code order}. */
  private static long drainLoader(Loader loader, long[] order) throws IOException {
    long n = 0;
    int i = 0;
    try (LoaderIterator it = loader.iterator(0)) {
      while (it.hasNext()) {
        try (SampleBatch b = it.next()) {
          for (Sample s : b) {
            if (s.ref().globalIndex() != order[i++]) {
              throw new IllegalStateException(
                  "loader sample "
                      + (i - 1)
                      + " is "
                      + s.key()
                      + ", not "
                      + TarRelease.key(order[i - 1]));
            }
            ByteBuffer bytes = s.bytes();
            n += bytes.remaining();
          }
        }
      }
    }
    return n;
  }

  // ---- (2) cold S3 behind a slow link ----------------------------------------------------

  private static void s3(Map<String, String> o, Path dir, TarRelease release) throws Exception {
    int chunk = num(o, "chunk-kib", 64) * 1024;
    int batches = num(o, "s3-batches", 40);
    int stepMs = num(o, "s3-step-ms", 100);
    int delayMs = num(o, "s3-delay-ms", 30);
    int mbps = num(o, "s3-mbps", 40);
    try (S3TestServer server = S3TestServer.startOnDisk("loader-bench", dir.resolve("s3"))) {
      PublishResult published;
      long t0 = System.nanoTime();
      try (S3Tier direct = server.newTier("s3")) {
        published = release.publish(List.of(direct), chunk);
      }
      double publishSecs = secs(t0);
      System.out.printf(
          "%n(2) cold S3 tier (S3Proxy on disk, published in %.1f s) behind a loopback proxy: %d ms before"
              + " each response's first byte, %d MB/s per connection; batch %d, %d read threads,"
              + " I/O concurrency %d, %d batches, simulated step 0 or %d ms per batch%n",
          publishSecs,
          delayMs,
          mbps,
          num(o, "batch", 256),
          num(o, "read-threads", 2),
          num(o, "io", Loader.DEFAULT_IO_CONCURRENCY),
          batches,
          stepMs);
      System.out.printf(
          "  %-4s %-22s %12s %12s %12s %10s %10s %10s %9s %9s%n",
          "run",
          "variant",
          "1st batch",
          "(stats)",
          "build",
          "samples/s",
          "MB/s",
          "tier MB",
          "stalled",
          "(stats)");
      for (int r = 0; r < num(o, "s3-runs", 1); r++) {
        for (int v = 0; v < 4; v++) {
          boolean pinned = v % 2 == 1;
          int step = v < 2 ? 0 : stepMs;
          String variant = (pinned ? "ShardCache.of" : "no cache") + ", step " + step;
          Path cacheDir = dir.resolve("s3-cache-" + r + "-" + v);
          try (LinkConditions proxy =
                LinkConditions.builder()
                    .upstream(server.endpoint())
                    .timeToFirstByte(Duration.ofMillis(delayMs))
                    .bandwidthPerConnection((long) (mbps * 1e6))
                    .build();
            S3Tier slow =
                server.tierBuilder("s3").endpoint(proxy.endpoint(server.endpoint())).build();
            DatasetClient client = coldClient(release, slow, pinned ? cacheDir : null)) {
            ShardCache cache = pinned ? ShardCache.of(client) : null;
            coldRun(o, r + " " + variant, client, cache, published.manifestUri(), batches, step);
          }
          BenchSupport.deleteRecursively(cacheDir);
        }
      }
      System.out.println(
          "  1st batch: from before build() to the first batch in hand ((stats): LoaderStats, from"
              + " iterator()); stalled: time in next() / wall from iterator() to the last batch"
              + " ((stats): LoaderStats.stalledOnIo / the same wall)");
    }
  }

  /** A client of {@code tier} alone, with a fresh disk cache in {@code cacheDir} when given. */
  private static DatasetClient coldClient(TarRelease release, S3Tier tier, Path cacheDir)
      throws IOException {
    DatasetClient.Builder b =
        DatasetClient.builder().tier(tier).trust(TrustRoot.of(release.signer.publicKeyset()));
    if (cacheDir != null) {
      b.cacheDirectory(cacheDir).cacheMaxBytes(4096L << 20);
    }
    return b.build();
  }

  private static void coldRun(
      Map<String, String> o,
      String run,
      DatasetClient client,
      ShardCache cache,
      URI uri,
      int batches,
      int stepMs)
      throws Exception {
    long t0 = System.nanoTime();
    try (Loader loader =
        Loader.builder(client).stream(uri.toString())
            .topology(Topology.single())
            .batchSize(num(o, "batch", 256))
            .shuffle(ShuffleAlgorithm.BLOCK_SPREAD)
            .seed(SEED)
            .readThreads(num(o, "read-threads", 2))
            .ioConcurrency(num(o, "io", Loader.DEFAULT_IO_CONCURRENCY))
            .cache(cache)
            .build()) {
      long built = System.nanoTime();
      long firstBatch = -1;
      long inNext = 0;
      long bytes = 0;
      long samples = 0;
      long itStart;
      long end;
      try (LoaderIterator it = loader.iterator(0)) {
        itStart = System.nanoTime();
        for (int b = 0; b < batches && it.hasNext(); b++) {
          long s = System.nanoTime();
          try (SampleBatch batch = it.next()) {
            long got = System.nanoTime();
            inNext += got - s;
            if (firstBatch < 0) {
              firstBatch = got - t0;
            }
            for (Sample smp : batch) {
              bytes += smp.bytes().remaining();
              samples++;
            }
            if (stepMs > 0) {
              Thread.sleep(stepMs);
            }
          }
        }
        end = System.nanoTime();
      }
      LoaderStats stats = loader.stats();
      long wall = end - itStart;
      long tierBytes = stats.bytesByTier().values().stream().mapToLong(Long::longValue).sum();
      System.out.printf(
          "  %-27s %9.0f ms %9.0f ms %9.0f ms %10.0f %10.2f %10.1f %8.1f%% %8.1f%%%n",
          run,
          firstBatch / 1e6,
          stats.timeToFirstBatch().toNanos() / 1e6,
          (built - t0) / 1e6,
          samples / (wall / 1e9),
          bytes / 1e6 / (wall / 1e9),
          tierBytes / 1e6,
          100.0 * inNext / wall,
          100.0 * stats.stalledOnIo().toNanos() / wall);
    }
  }

  // ---- (3) scale on paper, measured -------------------------------------------------------

  private static void scale(Map<String, String> o) {
    int shards = num(o, "scale-shards", 100_000);
    long perShard = num(o, "scale-per-shard", 10_000);
    long iterate = num(o, "scale-iterate", 100_000);
    int world = num(o, "scale-world", 8);
    int rank = num(o, "scale-rank", 3);
    int batch = num(o, "batch", 256);
    System.out.printf(
        "%n(3) scale: pure plan of %,d shards x %,d samples (no I/O), rank %d of %d, batch %d;"
            + " heap = used after GC; first run of each algorithm is cold (class loading, JIT)%n",
        shards, perShard, rank, world, batch);
    System.out.printf(
        "  %-13s %14s %16s %10s %10s %10s %12s %12s%n",
        "algorithm",
        "samples",
        "rank samples",
        "build ms",
        "heap +MB",
        "iter +MB",
        "iterated",
        "iter ns/pos");
    List<ShuffleAlgorithm> algorithms = new ArrayList<>(Arrays.asList(ShuffleAlgorithm.values()));
    algorithms.add(ShuffleAlgorithm.BLOCK_SPREAD); // again, warm
    for (ShuffleAlgorithm a : algorithms) {
      ScalePlanProbe.Result r =
          ScalePlanProbe.run(shards, perShard, a, rank, world, batch, 1 << 18, iterate);
      System.out.printf(
          "  %-13s %,14d %,16d %10.1f %10.2f %10.2f %,12d %12.1f%n",
          a,
          r.totalSamples(),
          r.samplesForRank(),
          r.buildNanos() / 1e6,
          (r.heapAfterBuild() - r.heapBefore()) / 1e6,
          (r.heapWhileIterating() - r.heapBefore()) / 1e6,
          r.iterated(),
          (double) r.iterateNanos() / Math.max(1, r.iterated()));
    }
    System.out.println("  targets: build < 2000 ms, heap < 64 MB");
  }

  // ---- helpers -----------------------------------------------------------------------------

  @FunctionalInterface
  private interface Run {
    long run() throws Exception;
  }

  private record Method(long samples, long bytes, Run run) {}

  private static void check(long got, long expected) {
    if (got != expected) {
      throw new IllegalStateException("read " + got + " bytes, expected " + expected);
    }
  }

  private static double median(long[] nanos, long units) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    double m = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
    return units / (m / 1e9);
  }

  private static double best(long[] nanos, long units) {
    return units / (Arrays.stream(nanos).min().orElseThrow() / 1e9);
  }

  private static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static int num(Map<String, String> o, String key, int dflt) {
    String v = o.get(key);
    return v == null ? dflt : Integer.parseInt(v.replace("_", ""));
  }

  private static Map<String, String> options(String[] argv) {
    Map<String, String> o = new LinkedHashMap<>();
    for (int i = 0; i < argv.length; i++) {
      String a = argv[i];
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument " + a);
      }
      String k = a.substring(2);
      boolean flag = List.of("local", "s3", "scale", "keep", "skip-ranged").contains(k);
      if (flag) {
        o.put(k, "true");
      } else if (i + 1 < argv.length) {
        o.put(k, argv[++i]);
      } else {
        throw new IllegalArgumentException(a + " needs a value");
      }
    }
    return o;
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "n/a";
    }
  }
}
