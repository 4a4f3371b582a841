package io.btfshybrid.bench;

import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.TierKind;
import io.btfshybrid.core.BlobKeys;
import io.btfshybrid.core.DatasetPublisher;
import io.btfshybrid.core.FileTier;
import io.btfshybrid.core.ManifestSigner;
import io.btfshybrid.core.PublishResult;
import io.btfshybrid.core.ReleaseOperations;
import io.btfshybrid.core.ScrubReport;
import io.btfshybrid.core.TrustRoot;
import io.btfshybrid.testkit.TestDatasets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Scrub throughput on a warm local tier against plain SHA-256 over the same bytes, same run: a
 * release on one FileTier (page cache warmed), scrubbed with {@code parallelism(1)} (one core: every
 * copy read under the stall deadline and hashed chunk by chunk against the manifest), and the same
 * blob files read through a 1 MiB buffer into one MessageDigest each; rounds alternate the order.
 * Prints MiB/s of both and their ratio, median and best of the rounds (target: scrub >= 0.8 x
 * SHA-256 per core).
 *
 * <p>Usage: {@code ScrubBenchmark [MiB, default 512] [rounds, default 5] [chunk KiB, default 1024]
 * [workdir]}.
 */
public final class ScrubBenchmark {
  private static final int SHARD_MIB = 64;

  private ScrubBenchmark() {}

  public static void main(String[] args) throws Exception {
    int totalMib = args.length > 0 ? Integer.parseInt(args[0]) : 512;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int chunkKib = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
    Path work =
        args.length > 3
            ? Files.createDirectories(Path.of(args[3]))
            : Files.createTempDirectory("btfs-hybrid-scrub-bench");
    try {
      run(work, totalMib, rounds, chunkKib);
    } finally {
      BenchSupport.deleteRecursively(work);
    }
  }

  private static void run(Path work, int totalMib, int rounds, int chunkKib) throws Exception {
    int shards = Math.max(1, (totalMib + SHARD_MIB - 1) / SHARD_MIB);
    TestDatasets.SourceTree source =
        TestDatasets.write(work.resolve("src"), shards, (long) totalMib << 20, 42);
    FileTier tier =
        FileTier.builder().id("mirror").kind(TierKind.REPLICA).root(work.resolve("tier")).build();
    ManifestSigner signer = ManifestSigner.generate();
    PublishResult release =
        DatasetPublisher.builder()
            .tier(tier)
            .signer(signer)
            .chunkSize(chunkKib << 10)
            .build()
            .publish(source.root(), "bench", "1");
    BenchSupport.deleteRecursively(source.root());
    List<Path> blobs = new ArrayList<>();
    for (ShardEntry s : release.manifest().shards()) {
      blobs.add(tier.root().resolve(BlobKeys.of(s)));
    }
    System.out.printf(
        "data: %d MiB in %d shards, chunk %d KiB, %d CPUs, %s%n",
        totalMib,
        shards,
        chunkKib,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    long expected = release.manifest().shards().stream().mapToLong(ShardEntry::storedSize).sum();
    try (ReleaseOperations ops =
        ReleaseOperations.builder()
            .tier(tier)
            .trust(TrustRoot.of(signer.publicKeyset()))
            .parallelism(1)
            .build()) {
      byte[] buf = new byte[1 << 20];
      MessageDigest md = BenchSupport.sha256();
      for (int i = 0; i < 3; i++) { // page cache and the SHA-256 intrinsic
        scrub(ops, release, expected);
        sha256(blobs, buf, md);
      }
      List<Double> scrubRates = new ArrayList<>();
      List<Double> shaRates = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        boolean scrubFirst = r % 2 == 0;
        for (int k = 0; k < 2; k++) {
          boolean isScrub = (k == 0) == scrubFirst;
          long t0 = System.nanoTime();
          long n = isScrub ? scrub(ops, release, expected) : sha256(blobs, buf, md);
          double secs = (System.nanoTime() - t0) / 1e9;
          (isScrub ? scrubRates : shaRates).add(n / secs / (1 << 20));
        }
        System.out.printf(
            "round %d: scrub %.0f MiB/s, plain SHA-256 %.0f MiB/s%n",
            r + 1, scrubRates.get(r), shaRates.get(r));
      }
      double s = median(scrubRates);
      double h = median(shaRates);
      System.out.printf(
          "median: scrub %.0f MiB/s, plain SHA-256 %.0f MiB/s, ratio %.2f (target >= 0.80)%n",
          s, h, s / h);
      double sb = scrubRates.stream().mapToDouble(Double::doubleValue).max().orElse(0);
      double hb = shaRates.stream().mapToDouble(Double::doubleValue).max().orElse(0);
      System.out.printf(
          "best:   scrub %.0f MiB/s, plain SHA-256 %.0f MiB/s, ratio %.2f%n", sb, hb, sb / hb);
    }
  }

  /** One scrub; returns the shard bytes verified (the documents' few KiB are not counted). */
  private static long scrub(ReleaseOperations ops, PublishResult release, long expected)
      throws Exception {
    ScrubReport r = ops.scrub(release.manifestUri());
    if (!r.clean()) {
      throw new IllegalStateException("the benchmark release is not clean: " + r.problems());
    }
    return expected;
  }

  private static long sha256(List<Path> blobs, byte[] buf, MessageDigest md) throws Exception {
    long n = 0;
    for (Path b : blobs) {
      BenchSupport.digestFile(b, buf, md);
      n += Files.size(b);
    }
    return n;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Comparator.naturalOrder());
    int m = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(m) : (sorted.get(m - 1) + sorted.get(m)) / 2;
  }
}
