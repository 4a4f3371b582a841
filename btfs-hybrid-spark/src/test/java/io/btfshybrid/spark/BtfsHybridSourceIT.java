package io.btfshybrid.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.IntegrityException;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.core.DatasetClient;
import io.btfshybrid.core.FileTier;
import io.btfshybrid.core.PublishResult;
import io.btfshybrid.core.TrustRoot;
import io.btfshybrid.loader.EpochPlan;
import io.btfshybrid.loader.Loader;
import io.btfshybrid.loader.Sample;
import io.btfshybrid.loader.SampleDataset;
import io.btfshybrid.loader.ShuffleAlgorithm;
import io.btfshybrid.loader.Topology;
import io.btfshybrid.testkit.FaultInjectingTier;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PrimitiveIterator;
import java.util.stream.Stream;
import org.apache.spark.SparkException;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data source and the file system in a real Spark session (local[2], loopback only), whose
 * class path holds the shaded jar beside Spark's own Jackson and Guava.
 */
class BtfsHybridSourceIT {
  @TempDir static Path tmp;
  static Fixture fx;
  static SparkSession spark;
  static Map<String, byte[]> files;
  static PublishResult release;

  @BeforeAll
  static void start() throws Exception {
    fx = new Fixture(tmp);
    files = new LinkedHashMap<>();
    files.put("a/x0.bin", Fixture.random(300_000, 1));
    files.put("a/empty.bin", new byte[0]);
    files.put("b/y.bin", Fixture.random(2_500_000, 2));
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      lines.append("{\"n\":").append(i).append(",\"pad\":\"").append("x".repeat(i)).append("\"}\n");
    }
    files.put("c/lines.jsonl", lines.toString().getBytes(StandardCharsets.UTF_8));
    release = fx.publish("main", fx.source("main", files), "corpus", "1.0.0");
    Path config = fx.configFile("main", "file");
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("btfs-hybrid-it")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.hadoop.fs.btfs-hybrid.config", config.toString())
            .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  private static DataFrameReader read(String name, String type) {
    return spark
        .read()
        .format("btfs-hybrid")
        .option("manifest", "corpus@1.0.0")
        .option("configYaml", fx.yaml(name, type));
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @Test
  void shardRowsAreThePublishedFilesByteForByte() throws Exception {
    List<Row> rows =
        spark
            .read()
            .format("btfs-hybrid")
            .option("manifest", "corpus@1.0.0")
            .option("config", tmp.resolve("main.yaml").toString())
            .load()
            .collectAsList();
    assertEquals(files.size(), rows.size());
    Map<String, Row> byPath = new LinkedHashMap<>();
    rows.forEach(r -> byPath.put(r.getAs("path"), r));
    long created = release.manifest().createdAt().toEpochMilli();
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      Row r = byPath.get("btfs-hybrid://corpus/1.0.0/" + f.getKey());
      assertTrue(r != null, "no row for " + f.getKey() + " in " + byPath.keySet());
      assertArrayEquals(f.getValue(), (byte[]) r.getAs("content"), f.getKey());
      assertEquals((long) f.getValue().length, (long) r.getAs("length"));
      assertEquals(sha256(f.getValue()), r.getAs("sha256"));
      assertEquals("corpus", r.getAs("datasetId"));
      assertEquals("1.0.0", r.getAs("version"));
      assertEquals(created, ((java.sql.Timestamp) r.getAs("modificationTime")).getTime());
    }
  }

  @Test
  void shardsAreGroupedIntoPartitionsOfAtMostMaxPartitionBytes() {
    // manifest order a/empty, a/x0 (300 kB), b/y (2.5 MB), c/lines: groups of <= 1 MB, one shard at
    // least
    Dataset<Row> df = read("main", "file").option("maxPartitionBytes", "1MiB").load();
    assertEquals(3, df.rdd().getNumPartitions());
    assertEquals(files.size(), df.count());
  }

  @Test
  void aQueryWithoutContentReadsNoShardBytes() throws Exception {
    Path mirror = fx.tiers("main").get(0);
    Path cloud = fx.tiers("main").get(1);
    read("main", "counting").load().select("path").limit(1).collectAsList(); // builds the tiers
    long before = blobReads(mirror) + blobReads(cloud);
    List<Row> rows =
        read("main", "counting").load().select("path", "length", "sha256").collectAsList();
    assertEquals(files.size(), rows.size());
    assertEquals(before, blobReads(mirror) + blobReads(cloud), "shard reads without content");
    long total =
        read("main", "counting")
            .load()
            .agg(functions.sum(functions.length(functions.col("content"))))
            .first()
            .getLong(0);
    assertEquals(files.values().stream().mapToLong(b -> b.length).sum(), total);
    assertTrue(blobReads(mirror) + blobReads(cloud) > before, "the counter sees content reads");
  }

  /** Reads of shard blobs (not manifests) through the counting tier built for {@code root}. */
  private static long blobReads(Path root) {
    FaultInjectingTier t = CountingTierFactory.BUILT.get(root);
    assertTrue(t != null, "no counting tier was built for " + root);
    return release.manifest().shards().stream()
        .mapToLong(s -> t.reads("blobs/" + s.sha256()))
        .sum();
  }

  @Test
  void aFilterOnPathSkipsTheOtherShards() throws Exception {
    Path mirror = fx.tiers("main").get(0);
    Path cloud = fx.tiers("main").get(1);
    FaultInjectingTier seen = CountingTierFactory.BUILT.get(mirror);
    long before = seen == null ? 0 : blobReads(mirror) + blobReads(cloud);
    String x0 = release.manifest().shard("a/x0.bin").orElseThrow().sha256();
    long x0Before = seen == null ? 0 : seen.reads("blobs/" + x0);
    List<Row> rows =
        read("main", "counting")
            .load()
            .where(functions.col("path").endsWith("/b/y.bin"))
            .select("path", "content")
            .collectAsList();
    assertEquals(1, rows.size());
    assertArrayEquals(files.get("b/y.bin"), (byte[]) rows.get(0).getAs("content"));
    assertEquals(x0Before, CountingTierFactory.BUILT.get(mirror).reads("blobs/" + x0), "a/x0 read");
    assertTrue(blobReads(mirror) + blobReads(cloud) > before, "b/y.bin was read");
  }

  private static DatasetClient client(String name) throws Exception {
    List<Path> roots = fx.tiers(name);
    return DatasetClient.builder()
        .tier(
            FileTier.builder()
                .id("mirror")
                .kind(io.btfshybrid.api.TierKind.REPLICA)
                .root(roots.get(0))
                .build())
        .tier(
            FileTier.builder()
                .id("cloud")
                .kind(io.btfshybrid.api.TierKind.CLOUD)
                .root(roots.get(1))
                .build())
        .trust(TrustRoot.load(fx.trust))
        .build();
  }

  @Test
  void sampleRowsAreTheSamplesOfSampleDataset() throws Exception {
    List<Row> rows = read("main", "file").option("granularity", "sample").load().collectAsList();
    try (DatasetClient c = client("main");
        io.btfshybrid.core.Dataset ds = c.open(release.manifestUri());
        SampleDataset samples = SampleDataset.open(ds)) {
      assertEquals(samples.size(), rows.size());
      for (Row r : rows) {
        long g = r.getAs("globalIndex");
        Sample s = samples.get(g);
        assertEquals("btfs-hybrid://corpus/1.0.0/" + s.shardPath(), r.getAs("path"));
        assertEquals(s.ref().indexInShard(), (long) r.getAs("sampleIndex"));
        assertEquals(s.key(), r.getAs("key"));
        assertEquals(s.length(), (long) r.getAs("length"));
        assertArrayEquals(bytes(s.bytes()), (byte[]) r.getAs("content"), s.key());
      }
      assertEquals(
          Stream.iterate(0L, i -> i + 1).limit(samples.size()).toList(),
          rows.stream().map(r -> (Long) r.getAs("globalIndex")).toList());
    }
    // the jsonl lines themselves, as an independent check of what a sample is
    List<Row> lines =
        read("main", "file")
            .option("granularity", "sample")
            .load()
            .where(functions.col("path").endsWith(".jsonl"))
            .select("key", "content")
            .collectAsList();
    String[] expected = new String(files.get("c/lines.jsonl"), StandardCharsets.UTF_8).split("\n");
    assertEquals(expected.length, lines.size());
    for (int i = 0; i < expected.length; i++) {
      assertEquals(String.valueOf(i), lines.get(i).getAs("key"));
      assertEquals(
          expected[i], new String((byte[]) lines.get(i).getAs("content"), StandardCharsets.UTF_8));
    }
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  @Test
  void anEpochsPartitionsAreTheLoadersRanksInOrder() throws Exception {
    int ranks = 2;
    List<Row> rows =
        read("main", "file")
            .option("granularity", "sample")
            .option("epoch", "3")
            .option("ranks", String.valueOf(ranks))
            .option("batchSize", "4")
            .option("seed", "17")
            .option("shuffle", "global")
            .load()
            .select(functions.spark_partition_id().as("rank"), functions.col("globalIndex"))
            .collectAsList();
    List<Long> expected = new ArrayList<>();
    List<Long> actual = new ArrayList<>();
    try (DatasetClient c = client("main")) {
      for (int r = 0; r < ranks; r++) {
        try (Loader loader =
            Loader.builder(c).stream(release.manifestUri().toString())
                .topology(new Topology(r, ranks, 1))
                .batchSize(4)
                .seed(17)
                .shuffle(ShuffleAlgorithm.GLOBAL)
                .build()) {
          EpochPlan plan = loader.plan(3);
          PrimitiveIterator.OfLong it = plan.rankOrder(0);
          for (long i = 0; i < plan.samplesForRank(); i++) {
            expected.add(r * 1_000_000L + it.nextLong());
          }
        }
      }
    }
    for (Row row : rows) {
      actual.add(row.getInt(0) * 1_000_000L + row.getLong(1));
    }
    assertEquals(expected, actual);
    assertTrue(
        !expected.subList(0, 10).equals(Stream.iterate(0L, i -> i + 1).limit(10).toList()),
        "the order is shuffled");
  }

  @Test
  void aParquetFileInAReleaseReadsLikeTheLocalCopy() throws Exception {
    Path local = tmp.resolve("parquet-src/table");
    spark
        .range(0, 5000, 1, 2)
        .selectExpr("id", "cast(id * 7 % 101 as string) as label", "id * 0.5 as score")
        .write()
        .parquet(local.toString());
    try (Stream<Path> walk = Files.walk(local)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        String n = p.getFileName().toString();
        if (n.startsWith(".") || n.startsWith("_")) {
          Files.delete(p);
        }
      }
    }
    PublishResult pq = fx.publish("main", tmp.resolve("parquet-src"), "tables", "2.0");
    assertTrue(pq.manifest().shards().size() >= 2, "part files published");
    List<Row> expected = spark.read().parquet(local.toString()).orderBy("id").collectAsList();
    List<Row> actual =
        spark.read().parquet("btfs-hybrid://tables/2.0/table").orderBy("id").collectAsList();
    assertEquals(5000, actual.size());
    assertEquals(expected, actual);
  }

  /** Flips one byte of the copy of {@code shard} a directory tier holds. */
  private static void corrupt(Path tierRoot, ShardEntry shard, long offset) throws Exception {
    Path blob = tierRoot.resolve("blobs/" + shard.sha256());
    assertTrue(Files.isRegularFile(blob), "no blob " + blob);
    try (RandomAccessFile f = new RandomAccessFile(blob.toFile(), "rw")) {
      f.seek(offset);
      int b = f.read();
      f.seek(offset);
      f.write(b ^ 0x5a);
    }
  }

  @Test
  void withOneTierCorruptedTheRowsAreStillExact() throws Exception {
    PublishResult r = fx.publish("damaged", fx.source("damaged", files), "corpus", "1.0.0");
    ShardEntry y = r.manifest().shard("b/y.bin").orElseThrow();
    corrupt(fx.tiers("damaged").get(0), y, 1_500_000);
    List<Row> rows = read("damaged", "file").load().select("path", "content").collectAsList();
    assertEquals(files.size(), rows.size());
    for (Row row : rows) {
      String p = ((String) row.getAs("path")).substring("btfs-hybrid://corpus/1.0.0/".length());
      assertArrayEquals(files.get(p), (byte[]) row.getAs("content"), p);
    }
  }

  @Test
  void withEveryCopyOfAShardCorruptedTheJobFailsWithTheIntegrityError() throws Exception {
    PublishResult r = fx.publish("lost", fx.source("lost", files), "corpus", "1.0.0");
    ShardEntry y = r.manifest().shard("b/y.bin").orElseThrow();
    corrupt(fx.tiers("lost").get(0), y, 1_500_000);
    corrupt(fx.tiers("lost").get(1), y, 1_500_000);
    Dataset<Row> df = read("lost", "file").load().select("path", "content");
    SparkException e = assertThrows(SparkException.class, df::collectAsList);
    IntegrityException cause = null;
    for (Throwable t = e; t != null && cause == null; t = t.getCause()) {
      if (t instanceof IntegrityException ie) {
        cause = ie;
      }
    }
    assertTrue(cause != null, "no IntegrityException in the cause chain of " + e);
    assertTrue(cause.getMessage().contains("b/y.bin"), cause.getMessage());
    // the shards with good copies still read exactly
    List<Row> others =
        read("lost", "file")
            .load()
            .where("path not like '%/b/y.bin'")
            .select("path", "content")
            .collectAsList();
    assertEquals(files.size() - 1, others.size());
  }

  @Test
  void theShadedJarRunsBesideSparksOwnJacksonAndGuava() throws Exception {
    String own = System.getProperty("spark.own");
    assertTrue(own != null, "run by failsafe with Spark's own jars");
    assertTrue(location("com.fasterxml.jackson.databind.ObjectMapper").contains("spark-own"));
    assertTrue(location("com.google.common.base.Preconditions").contains("spark-own"));
    assertEquals(
        System.getProperty("spark.jackson.version"),
        Class.forName("com.fasterxml.jackson.databind.cfg.PackageVersion")
            .getField("VERSION")
            .get(null)
            .toString());
    String jar = location("io.btfshybrid.core.Dataset");
    assertTrue(jar.endsWith(".jar") && jar.contains("btfs-hybrid-spark"), jar);
    assertEquals(jar, location("io.btfshybrid.shaded.jackson.databind.ObjectMapper"));
    assertEquals(jar, location("io.btfshybrid.shaded.guava.base.Preconditions"));
    assertEquals(jar, location("io.btfshybrid.shaded.tink.KeysetHandle"));
    // a Spark job that itself uses Jackson (the query plan's JSON) runs in this session
    assertTrue(spark.range(10).toDF().queryExecution().optimizedPlan().toJSON().contains("Range"));
  }

  private static String location(String className) throws ClassNotFoundException {
    return Class.forName(className).getProtectionDomain().getCodeSource().getLocation().toString();
  }
}
