package io.btfshybrid.bench;

import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.TierKind;
import io.btfshybrid.core.DatasetPublisher;
import io.btfshybrid.core.FileTier;
import io.btfshybrid.core.ManifestSigner;
import io.btfshybrid.core.PublishResult;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A WebDataset-layout tar release for the loader benchmark: {@code samples} one-member samples of
 * random bytes (sizes uniform in [0.8, 1.2] x {@code meanBytes}), {@code perShard} to a shard
 * {@code train/shard-NNNNN.tar}, member {@code sNNNNNNNNN.bin} numbered by global sample index
 * (shards in manifest order, members in tar order). Written with Apache Commons Compress.
 */
final class TarRelease {
  static final String DATASET = "tars";
  static final String VERSION = "1.0.0";

  final Path source;
  final int samples;
  final long sampleBytes;
  final ManifestSigner signer = ManifestSigner.generate();

  private TarRelease(Path source, int samples, long sampleBytes) {
    this.source = source;
    this.samples = samples;
    this.sampleBytes = sampleBytes;
  }

  /** Writes the source tree under {@code dir/source}. */
  static TarRelease write(Path dir, int samples, int perShard, int meanBytes, long seed)
      throws IOException {
    Path source = dir.resolve("source");
    Path train = Files.createDirectories(source.resolve("train"));
    SplittableRandom rnd = new SplittableRandom(seed);
    int low = meanBytes * 4 / 5;
    int span = Math.max(1, meanBytes * 2 / 5);
    byte[] buf = new byte[low + span];
    long total = 0;
    int g = 0;
    for (int shard = 0; g < samples; shard++) {
      Path tar = train.resolve(String.format("shard-%05d.tar", shard));
      try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(tar), 1 << 20);
          TarArchiveOutputStream out = new TarArchiveOutputStream(file)) {
        for (int i = 0; i < perShard && g < samples; i++, g++) {
          int len = low + rnd.nextInt(span);
          fill(rnd, buf, len);
          TarArchiveEntry e = new TarArchiveEntry(memberName(g));
          e.setSize(len);
          e.setModTime(0);
          out.putArchiveEntry(e);
          out.write(buf, 0, len);
          out.closeArchiveEntry();
          total += len;
        }
        out.finish();
      }
    }
    return new TarRelease(source, samples, total);
  }

  static String memberName(long globalIndex) {
    return String.format("s%09d.bin", globalIndex);
  }

  /** The key the loader gives sample {@code globalIndex} (member path up to the first dot). */
  static String key(long globalIndex) {
    return String.format("s%09d", globalIndex);
  }

  private static void fill(SplittableRandom rnd, byte[] buf, int len) {
    for (int i = 0; i < len; i += 8) {
      long v = rnd.nextLong();
      for (int k = 0; k < 8 && i + k < len; k++) {
        buf[i + k] = (byte) (v >>> (8 * k));
      }
    }
  }

  /** Publishes the source to {@code tiers} with {@code chunkSize}; the format comes from *.tar. */
  PublishResult publish(List<? extends StorageTier> tiers, int chunkSize) throws IOException {
    return DatasetPublisher.builder()
        .tiers(tiers)
        .signer(signer)
        .chunkSize(chunkSize)
        .build()
        .publish(source, DATASET, VERSION);
  }

  static FileTier fileTier(Path root) {
    return FileTier.builder().id("local").kind(TierKind.REPLICA).root(root).build();
  }

  /**
   * Extracts every member of the published shards (read with Commons Compress from the source tars,
   * byte-identical to the shards) to {@code dir}; returns each global sample's file, by index.
   */
  Path[] extract(List<ShardEntry> shardsInManifestOrder, Path dir) throws IOException {
    Path[] files = new Path[samples];
    int g = 0;
    byte[] buf = new byte[64 * 1024];
    for (ShardEntry shard : shardsInManifestOrder) {
      try (InputStream raw =
              new BufferedInputStream(Files.newInputStream(source.resolve(shard.path())), 1 << 20);
          TarArchiveInputStream in = new TarArchiveInputStream(raw)) {
        TarArchiveEntry e;
        while ((e = in.getNextEntry()) != null) {
          if (!e.getName().equals(memberName(g))) {
            throw new IllegalStateException(
                "member " + e.getName() + " of " + shard.path() + " is not sample " + g);
          }
          Path f =
              Files.createDirectories(dir.resolve(Integer.toString(g / 1000))).resolve(e.getName());
          try (OutputStream out = Files.newOutputStream(f)) {
            int n;
            while ((n = in.read(buf)) != -1) {
              out.write(buf, 0, n);
            }
          }
          files[g++] = f;
        }
      }
    }
    if (g != samples) {
      throw new IllegalStateException("extracted " + g + " samples, expected " + samples);
    }
    return files;
  }
}
