package io.btfshybrid.bench;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.TierKind;
import io.btfshybrid.core.Dataset;
import io.btfshybrid.core.DatasetClient;
import io.btfshybrid.core.DatasetPublisher;
import io.btfshybrid.core.FileTier;
import io.btfshybrid.core.ManifestResolver;
import io.btfshybrid.core.ManifestSigner;
import io.btfshybrid.core.PublishResult;
import io.btfshybrid.core.TrustRoot;
import io.btfshybrid.testkit.TestDatasets;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Shared set-up for the benchmarks: a release published to a local FileTier, and plain baselines.
 */
final class BenchSupport {
  static final String TIER_ID = "mirror";
  static final String DATASET = "bench";
  static final String VERSION = "1.0.0";

  private BenchSupport() {}

  /** A release on a local FileTier: the tier, the signer, what was published and its blob files. */
  record LocalRelease(Path dir, FileTier tier, ManifestSigner signer, PublishResult published) {
    DatasetClient client() throws IOException {
      return DatasetClient.builder().tier(tier).trust(TrustRoot.of(signer.publicKeyset())).build();
    }

    List<ShardEntry> shards() {
      return published.manifest().shards();
    }

    /** The stored file of a shard on the tier: the same bytes the client reads. */
    Path blobFile(ShardEntry shard) {
      return tier.root().resolve(ManifestResolver.blobKey(shard));
    }

    List<Path> blobFiles() {
      return shards().stream().map(this::blobFile).toList();
    }

    long totalBytes() {
      return shards().stream().mapToLong(ShardEntry::storedSize).sum();
    }
  }

  /**
   * A one-shard release opened for a JMH trial: the release, its client, the dataset and the shard.
   */
  record OpenedShard(LocalRelease release, DatasetClient client, Dataset dataset, ShardEntry shard)
      implements AutoCloseable {
    /**
     * Publishes one random shard of {@code shardMiB} with {@code chunkMiB} chunks in a temp dir and
     * opens it.
     */
    static OpenedShard publish(String prefix, int shardMiB, int chunkMiB, long seed)
        throws IOException {
      Path dir = Files.createTempDirectory(prefix);
      LocalRelease release =
          BenchSupport.publish(dir, 1, (long) shardMiB << 20, chunkMiB << 20, seed, false);
      DatasetClient client = release.client();
      Dataset dataset = client.open(release.published().manifestUri());
      return new OpenedShard(release, client, dataset, release.shards().get(0));
    }

    Path blob() {
      return release.blobFile(shard);
    }

    @Override
    public void close() throws IOException {
      dataset.close();
      client.close();
      deleteRecursively(release.dir());
    }
  }

  /**
   * Generates {@code shards} random files of {@code totalBytes} together (deterministic by seed),
   * publishes them with {@code chunkSize} to a FileTier under {@code dir}, and deletes the source
   * copy unless {@code keepSource}.
   */
  static LocalRelease publish(
      Path dir, int shards, long totalBytes, int chunkSize, long seed, boolean keepSource)
      throws IOException {
    Path source = dir.resolve("source");
    TestDatasets.write(source, shards, totalBytes, seed);
    FileTier tier =
        FileTier.builder().id(TIER_ID).kind(TierKind.REPLICA).root(dir.resolve("tier")).build();
    ManifestSigner signer = ManifestSigner.generate();
    PublishResult published =
        DatasetPublisher.builder()
            .tier(tier)
            .signer(signer)
            .chunkSize(chunkSize)
            .build()
            .publish(source, DATASET, VERSION);
    if (!keepSource) {
      deleteRecursively(source);
    }
    return new LocalRelease(dir, tier, signer, published);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** Reads a stream to its end through {@code buf}; returns the byte count. */
  static long drain(InputStream in, byte[] buf) throws IOException {
    long total = 0;
    int n;
    try (in) {
      while ((n = in.read(buf)) != -1) {
        total += n;
      }
    }
    return total;
  }

  /** Plain MessageDigest SHA-256 of a file read through {@code buf}: the baseline. */
  static byte[] digestFile(Path file, byte[] buf, MessageDigest md) throws IOException {
    md.reset();
    try (InputStream in = new FileInputStream(file.toFile())) {
      int n;
      while ((n = in.read(buf)) != -1) {
        md.update(buf, 0, n);
      }
    }
    return md.digest();
  }

  /**
   * SHA-256 of a file read by position into one cache-line aligned 1 MiB direct buffer (the fastest
   * way one thread reads a file here: the kernel copies into a misaligned buffer several times
   * slower on some CPUs), hashed from that buffer.
   */
  static byte[] digestFileAligned(Path file, MessageDigest md) throws IOException {
    md.reset();
    java.nio.ByteBuffer buf =
        java.nio.ByteBuffer.allocateDirect((1 << 20) + 63).alignedSlice(64).limit(1 << 20).slice();
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
      long position = 0;
      int n;
      while ((n = ch.read(buf.clear(), position)) > 0) {
        position += n;
        md.update(buf.flip());
      }
    }
    return md.digest();
  }

  /** The bytes of a file, for in-memory baselines. */
  static byte[] readAll(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (Files.exists(dir)) {
      MoreFiles.deleteRecursively(dir, RecursiveDeleteOption.ALLOW_INSECURE);
    }
  }
}
