package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.IntegrityException;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The read-ahead used for sequential encrypted reads: same bytes, same errors, bounded, closable.
 */
class ReadAheadInputStreamTest {
  @Test
  void deliversExactlyTheSourceBytes() throws IOException {
    for (int size : new int[] {0, 1, 999, 1000, 1001, 25_017}) {
      byte[] data = Releases.random(size, size);
      try (InputStream in = new ReadAheadInputStream(new ByteArrayInputStream(data), 1000, 2)) {
        assertArrayEquals(data, in.readAllBytes(), "size " + size);
        assertEquals(-1, in.read());
      }
    }
  }

  @Test
  void theSourcesFailureReachesTheReaderAsItWasAfterTheGoodBytes() throws IOException {
    byte[] data = Releases.random(1, 5000);
    IntegrityException failure = new IntegrityException("s", 3000, "mirror", "bad chunk");
    InputStream failing =
        new InputStream() {
          int pos;

          @Override
          public int read() throws IOException {
            if (pos == 3000) {
              throw failure;
            }
            return data[pos++] & 0xFF;
          }
        };
    try (InputStream in = new ReadAheadInputStream(failing, 1000, 2)) {
      byte[] first = in.readNBytes(3000);
      assertArrayEquals(Arrays.copyOf(data, 3000), first);
      assertSame(failure, assertThrows(IntegrityException.class, in::read));
    }
  }

  @Test
  void closingEarlyStopsTheHelperAndClosesTheSource() throws Exception {
    CountDownLatch closed = new CountDownLatch(1);
    InputStream endless =
        new FilterInputStream(InputStream.nullInputStream()) {
          @Override
          public int read(byte[] b, int off, int len) {
            return len; // never ends
          }

          @Override
          public void close() {
            closed.countDown();
          }
        };
    InputStream in = new ReadAheadInputStream(endless, 1000, 2);
    assertEquals(1000, in.readNBytes(1000).length);
    in.close();
    assertTrue(closed.await(10, TimeUnit.SECONDS), "the source was closed");
    assertThrows(IOException.class, in::read);
  }
}
