package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file range read through one aligned buffer: exactly the range's bytes across buffer boundaries,
 * skips inside and past the buffer, an early end when the file is shorter, and a closed channel.
 */
class FileRangeStreamTest {
  @TempDir Path dir;

  @Test
  void readsExactlyTheRangeAcrossBufferBoundaries() throws IOException {
    byte[] bytes = Releases.random(11, 3 * FileRangeStream.MAX_BUFFER + 12_345);
    Path file = Files.write(dir.resolve("f"), bytes);
    int from = 1000;
    int to = bytes.length - 7;
    try (InputStream in = open(file, from, to)) {
      byte[] got = in.readAllBytes();
      assertArrayEquals(Arrays.copyOfRange(bytes, from, to), got);
      assertEquals(-1, in.read());
    }
  }

  @Test
  void skipsWithinAndPastTheBufferThenReadsTheRightByte() throws IOException {
    byte[] bytes = Releases.random(12, 2 * FileRangeStream.MAX_BUFFER + 99);
    Path file = Files.write(dir.resolve("f"), bytes);
    try (InputStream in = open(file, 5, bytes.length)) {
      assertEquals(bytes[5] & 0xFF, in.read());
      assertEquals(10, in.skip(10));
      assertEquals(bytes[16] & 0xFF, in.read());
      long far = FileRangeStream.MAX_BUFFER + 500L;
      assertEquals(far, in.skip(far));
      assertEquals(bytes[(int) (17 + far)] & 0xFF, in.read());
      long left = bytes.length - (18 + far);
      assertEquals(left, in.skip(Long.MAX_VALUE), "a skip stops at the range's end");
      assertEquals(-1, in.read());
    }
  }

  @Test
  void aFileShorterThanTheRangeEndsTheStreamEarly() throws IOException {
    byte[] bytes = Releases.random(13, 5000);
    Path file = Files.write(dir.resolve("f"), bytes);
    try (InputStream in = open(file, 0, 9000)) {
      assertArrayEquals(bytes, in.readAllBytes());
    }
  }

  @Test
  void aClosedStreamCannotBeRead() throws IOException {
    Path file = Files.write(dir.resolve("f"), Releases.random(14, 100));
    InputStream in = open(file, 0, 100);
    in.close();
    assertThrows(IOException.class, () -> in.read(new byte[10]));
  }

  @Test
  void buffersStartOnACacheLine() {
    for (int capacity : new int[] {1, 63, 64, 4096, 1 << 20}) {
      ByteBuffer b = DirectBuffers.allocate(capacity);
      assertEquals(capacity, b.capacity());
      assertEquals(0, b.alignmentOffset(0, DirectBuffers.ALIGNMENT), "capacity " + capacity);
    }
  }

  private static InputStream open(Path file, long from, long to) throws IOException {
    return new FileRangeStream(FileChannel.open(file, StandardOpenOption.READ), from, to);
  }
}
