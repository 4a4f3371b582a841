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

  /** Flips every bit of the byte at {@code offset} of {@code file}. */
  static void flipByte(Path file, long offset) throws IOException {
    try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(offset);
      int b = raf.read();
      raf.seek(offset);
      raf.write(b ^ 0xFF);
    }
  }

  /**
   * Every regular file under {@code root} (relative path) with its bytes and file identity (inode):
   * every write replaces a file by a new one, so a rewrite shows even when the bytes and the
   * modification time are the same, with no need to wait for the clock to tick.
   */
  static java.util.Map<String, String> snapshot(Path root) throws IOException {
    java.util.Map<String, String> out = new java.util.TreeMap<>();
    try (java.util.stream.Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
        Object identity =
            Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        org.junit.jupiter.api.Assumptions.assumeTrue(
            identity != null, "this file system gives files no identity");
        out.put(
            root.relativize(p).toString(),
            Digests.sha256Hex(Files.readAllBytes(p)) + "@" + identity);
      }
    }
    return out;
  }

  /** Whether {@code needle} occurs anywhere in {@code haystack}. */
  static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /** The file behind a FileTier location hint for a shard. */
  static Path blobFile(FileTier tier, io.btfshybrid.api.ShardEntry shard) {
    return tier.root().resolve(ManifestResolver.blobKey(shard));
  }
}
