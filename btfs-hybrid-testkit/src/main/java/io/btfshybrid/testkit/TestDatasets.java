package io.btfshybrid.testkit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic random source directories for tests and benchmarks: {@code n} shards sharing a
 * total size (sizes rarely a multiple of a chunk), the same bytes for the same seed.
 */
public final class TestDatasets {
  private static final int BLOCK = 1 << 20;

  private TestDatasets() {}

  /**
   * Writes {@code shards} files of {@code totalBytes} together under {@code dir} as {@code
   * train/shard-00000.bin}…; the first {@code totalBytes % shards} shards are one byte longer than
   * the rest.
   */
  public static SourceTree write(Path dir, int shards, long totalBytes, long seed)
      throws IOException {
    if (shards <= 0) {
      throw new IllegalArgumentException("shards must be positive, was " + shards);
    }
    if (totalBytes < 0) {
      throw new IllegalArgumentException("totalBytes must be >= 0, was " + totalBytes);
    }
    List<String> names = new ArrayList<>();
    long base = totalBytes / shards;
    long longer = totalBytes % shards;
    for (int i = 0; i < shards; i++) {
      String name = String.format("train/shard-%05d.bin", i);
      writeRandomFile(dir.resolve(name), base + (i < longer ? 1 : 0), shardSeed(seed, i));
      names.add(name);
    }
    return new SourceTree(dir, names, totalBytes);
  }

  /** {@code size} random bytes, the same for the same seed. */
  public static byte[] randomBytes(long seed, int size) {
    byte[] out = new byte[size];
    fill(new SplittableRandom(seed), ByteBuffer.wrap(out));
    return out;
  }

  /**
   * Writes {@code size} random bytes to {@code file} (parents created), the same for the same seed.
   */
  public static void writeRandomFile(Path file, long size, long seed) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    SplittableRandom random = new SplittableRandom(seed);
    ByteBuffer block = ByteBuffer.allocate((int) Math.min(BLOCK, Math.max(size, 1)));
    try (FileChannel out =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      long left = size;
      while (left > 0) {
        block.clear().limit((int) Math.min(block.capacity(), left));
        fill(random, block);
        block.flip();
        while (block.hasRemaining()) {
          left -= out.write(block);
        }
      }
    }
  }

  private static void fill(SplittableRandom random, ByteBuffer buf) {
    buf.order(ByteOrder.LITTLE_ENDIAN);
    while (buf.remaining() >= Long.BYTES) {
      buf.putLong(random.nextLong());
    }
    while (buf.hasRemaining()) {
      buf.put((byte) random.nextInt());
    }
  }

  private static long shardSeed(long seed, int index) {
    return seed * 1_000_003L + index;
  }

  /** A generated source directory: its root, shard paths relative to it, and their total size. */
  public record SourceTree(Path root, List<String> shards, long totalBytes) {
    public SourceTree {
      shards = List.copyOf(shards);
    }

    /** The file behind a shard path. */
    public Path file(String shard) {
      return root.resolve(shard);
    }

    /** The bytes of a shard as written. */
    public byte[] bytes(String shard) throws IOException {
      return Files.readAllBytes(file(shard));
    }
  }
}
