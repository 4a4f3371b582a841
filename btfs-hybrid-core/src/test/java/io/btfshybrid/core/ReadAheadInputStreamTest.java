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
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The read-ahead used for sequential encrypted reads: same bytes, same errors, bounded, closable.
 */
class ReadAheadInputStreamTest {
  static final java.util.concurrent.ExecutorService POOL =
      java.util.concurrent.Executors.newFixedThreadPool(2);

  @org.junit.jupiter.api.AfterAll
  static void stopPool() {
    POOL.shutdownNow();
  }

  @Test
  void aSinglePoolThreadServesManyStreamsReadInAnyOrder() throws IOException {
    java.util.concurrent.ExecutorService one = java.util.concurrent.Executors.newFixedThreadPool(1);
    try {
      List<byte[]> data = new java.util.ArrayList<>();
      List<InputStream> streams = new java.util.ArrayList<>();
      for (int i = 0; i < 50; i++) {
        data.add(Releases.random(i, 5000 + i));
        streams.add(new ReadAheadInputStream(new ByteArrayInputStream(data.get(i)), 1000, 2, one));
      }
      for (int i = 49; i >= 0; i--) {
        try (InputStream in = streams.get(i)) {
          assertArrayEquals(data.get(i), in.readAllBytes(), "stream " + i);
        }
      }
    } finally {
      one.shutdownNow();
    }
  }

  @Test
  void deliversExactlyTheSourceBytes() throws IOException {
    for (int size : new int[] {0, 1, 999, 1000, 1001, 25_017}) {
      byte[] data = Releases.random(size, size);
      try (InputStream in =
          new ReadAheadInputStream(new ByteArrayInputStream(data), 1000, 2, POOL)) {
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
    try (InputStream in = new ReadAheadInputStream(failing, 1000, 2, POOL)) {
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
    InputStream in = new ReadAheadInputStream(endless, 1000, 2, POOL);
    assertEquals(1000, in.readNBytes(1000).length);
    in.close();
    assertTrue(closed.await(10, TimeUnit.SECONDS), "the source was closed");
    assertThrows(IOException.class, in::read);
  }
}
