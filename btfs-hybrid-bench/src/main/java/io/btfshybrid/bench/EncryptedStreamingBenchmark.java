package io.btfshybrid.bench;

import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.TierKind;
import io.btfshybrid.core.Dataset;
import io.btfshybrid.core.DatasetClient;
import io.btfshybrid.core.DatasetPublisher;
import io.btfshybrid.core.FileTier;
import io.btfshybrid.core.LocalKeyManagementService;
import io.btfshybrid.core.ManifestSigner;
import io.btfshybrid.core.PublishResult;
import io.btfshybrid.core.TrustRoot;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Encrypted verified streaming against the plaintext verified path, same run, same data: one
 * release published twice from the same files to a FileTier replica (plain, then encrypted with
 * Tink AES-GCM-HKDF streaming, 1 MiB chunks = segments), page cache warmed, then each shard read
 * sequentially through {@code Dataset.openShard}; rounds alternate the order. Prints MiB/s of both
 * and their ratio, median and best of the rounds (target: encrypted >= 0.7 x plaintext). The
 * encrypted path verifies the next chunks on a helper thread while it decrypts, so on a busy
 * machine (fewer free cores) its figure drops more than the plaintext one: compare on an idle one.
 *
 * <p>Usage: {@code EncryptedStreamingBenchmark [MiB, default 512] [rounds, default 5] [workdir]}.
 */
public final class EncryptedStreamingBenchmark {
  private static final int SHARD_MIB = 64;

  private EncryptedStreamingBenchmark() {}

  public static void main(String[] args) throws Exception {
    int totalMib = args.length > 0 ? Integer.parseInt(args[0]) : 512;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Path work =
        args.length > 2
            ? Files.createDirectories(Path.of(args[2]))
            : Files.createTempDirectory("btfs-hybrid-enc-bench");
    try {
      run(work, totalMib, rounds);
    } finally {
      BenchSupport.deleteRecursively(work);
    }
  }

  private static void run(Path work, int totalMib, int rounds) throws Exception {
    Path source = writeSource(work.resolve("src"), totalMib);
    FileTier plainTier =
        FileTier.builder().id("plain").kind(TierKind.REPLICA).root(work.resolve("plain")).build();
    FileTier encTier =
        FileTier.builder().id("enc").kind(TierKind.REPLICA).root(work.resolve("enc")).build();
    ManifestSigner signer = ManifestSigner.generate();
    LocalKeyManagementService kms =
        LocalKeyManagementService.generate(work.resolve("kek.json"), "kek-1");
    PublishResult plain =
        DatasetPublisher.builder()
            .tier(plainTier)
            .signer(signer)
            .build()
            .publish(source, "bench", "1");
    PublishResult enc =
        DatasetPublisher.builder()
            .tier(encTier)
            .signer(signer)
            .encryptWith(kms, "kek-1")
            .tempDirectory(work.resolve("staging"))
            .build()
            .publish(source, "bench", "1");
    System.out.printf(
        "data: %d MiB in %d shards, chunk %d KiB, %d CPUs, %s%n",
        totalMib,
        plain.manifest().shards().size(),
        DatasetPublisher.DEFAULT_CHUNK_SIZE >> 10,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));

    TrustRoot trust = TrustRoot.of(signer.publicKeyset());
    try (DatasetClient plainClient = DatasetClient.builder().tier(plainTier).trust(trust).build();
        DatasetClient encClient =
            DatasetClient.builder().tier(encTier).trust(trust).keyManagement(kms).build()) {
      long expected = plain.manifest().totalSize();
      // warm-up: page cache and JIT (the AES-GCM and SHA-256 intrinsics need a few thousand calls)
      for (int i = 0; i < 3; i++) {
        check(readAll(plainClient, plain), expected);
        check(readAll(encClient, enc), expected);
      }
      List<Double> plainRates = new ArrayList<>();
      List<Double> encRates = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        boolean plainFirst = r % 2 == 0;
        for (int k = 0; k < 2; k++) {
          boolean isPlain = (k == 0) == plainFirst;
          long t0 = System.nanoTime();
          long n = isPlain ? readAll(plainClient, plain) : readAll(encClient, enc);
          double secs = (System.nanoTime() - t0) / 1e9;
          check(n, expected);
          (isPlain ? plainRates : encRates).add(n / secs / (1 << 20));
        }
        System.out.printf(
            "round %d: plaintext %.0f MiB/s, encrypted %.0f MiB/s%n",
            r + 1, plainRates.get(r), encRates.get(r));
      }
      double p = median(plainRates);
      double e = median(encRates);
      System.out.printf(
          "median: plaintext verified %.0f MiB/s, encrypted verified %.0f MiB/s, ratio %.2f%n",
          p, e, e / p);
      double pb = plainRates.stream().mapToDouble(Double::doubleValue).max().orElse(0);
      double eb = encRates.stream().mapToDouble(Double::doubleValue).max().orElse(0);
      System.out.printf(
          "best:   plaintext verified %.0f MiB/s, encrypted verified %.0f MiB/s, ratio %.2f%n",
          pb, eb, eb / pb);
    }
  }

  private static long readAll(DatasetClient client, PublishResult release) throws IOException {
    long total = 0;
    byte[] buf = new byte[1 << 20];
    try (Dataset ds = client.open(release.manifestUri())) {
      for (ShardEntry shard : ds.shards()) {
        try (InputStream in = ds.openShard(shard.path())) {
          int n;
          while ((n = in.read(buf)) > 0) {
            total += n;
          }
        }
      }
    }
    return total;
  }

  private static void check(long got, long expected) {
    if (got != expected) {
      throw new IllegalStateException("read " + got + " bytes, expected " + expected);
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Comparator.naturalOrder());
    int m = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(m) : (sorted.get(m - 1) + sorted.get(m)) / 2;
  }

  private static Path writeSource(Path dir, int totalMib) throws IOException {
    Files.createDirectories(dir);
    SplittableRandom random = new SplittableRandom(42);
    byte[] block = new byte[1 << 20];
    int shards = Math.max(1, (totalMib + SHARD_MIB - 1) / SHARD_MIB);
    int left = totalMib;
    for (int s = 0; s < shards; s++) {
      try (OutputStream out =
          Files.newOutputStream(dir.resolve(String.format("shard-%03d.bin", s)))) {
        for (int m = 0; m < Math.min(SHARD_MIB, left); m++) {
          for (int i = 0; i < block.length; i += 8) {
            long v = random.nextLong();
            for (int b = 0; b < 8; b++) {
              block[i + b] = (byte) (v >>> (8 * b));
            }
          }
          out.write(block);
        }
      }
      left -= SHARD_MIB;
    }
    return dir;
  }
}
