package io.btfshybrid.core;

import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.TierKind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** Test fixtures: source directories with random content, tiers and a signer. */
final class Releases {
  static final int CHUNK = 64 * 1024;

  private Releases() {}

  static byte[] random(long seed, int size) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  static Path write(Path dir, String relative, byte[] content) throws IOException {
    Path p = dir.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.write(p, content);
    return p;
  }

  /** Nested paths, an empty file and sizes that are not multiples of the chunk size. */
  static Path sampleSource(Path dir) throws IOException {
    write(dir, "train/000000.bin", random(1, CHUNK * 3 + 17));
    write(dir, "train/nested/deeper/000001.bin", random(2, CHUNK * 2));
    write(dir, "val/empty.bin", new byte[0]);
    write(dir, "val/small.txt", "hello shards".getBytes());
    write(dir, "README", random(3, CHUNK - 1));
    return dir;
  }

  static FileTier tier(Path root, String id, TierKind kind) {
    return FileTier.builder().id(id).kind(kind).root(root).build();
  }

  static DatasetPublisher publisher(ManifestSigner signer, List<? extends StorageTier> tiers) {
    return DatasetPublisher.builder().tiers(tiers).signer(signer).chunkSize(CHUNK).build();
  }

  static byte[] readAll(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }

  /** The file behind a FileTier location hint for a shard. */
  static Path blobFile(FileTier tier, io.btfshybrid.api.ShardEntry shard) {
    return tier.root().resolve(ManifestResolver.blobKey(shard));
  }
}
