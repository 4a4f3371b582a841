package io.btfshybrid.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** In-order delivery with a bounded number of parts alive, and failures surfacing in place. */
class ParallelRangedReaderTest {
  private final ExecutorService pool = Executors.newFixedThreadPool(4);
  private final byte[] object = new byte[10_000];

  {
    new Random(5).nextBytes(object);
  }

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  /** Fills parts from {@link #object} in slices; counts parts started. */
  private final class CountingFetcher implements ParallelRangedReader.PartFetcher {
    final AtomicInteger started = new AtomicInteger();

    @Override
    public void fetch(long offset, PartBuffer part) throws IOException {
      started.incrementAndGet();
      part.fillFrom(new ByteArrayInputStream(object, (int) offset, part.length()));
    }
  }

  /** A read of 700-byte parts, at most {@code inFlight} of them held at once (the budget). */
  private ParallelRangedReader reader(ParallelRangedReader.PartFetcher fetcher, int inFlight) {
    return new ParallelRangedReader(
        new ByteArrayInputStream(object, 0, 1000),
        1000,
        object.length,
        new ReadTuning(inFlight, inFlight, 700, 700).probe(),
        new PartBudget(700L * inFlight),
        fetcher,
        pool,
        "s3://b/k");
  }

  @Test
  void deliversEveryByteInOrderWhileKeepingAtMostTheWindowOfPartsAlive() throws IOException {
    CountingFetcher fetcher = new CountingFetcher();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ParallelRangedReader in = reader(fetcher, 3)) {
      byte[] buffer = new byte[123];
      for (int n; (n = in.read(buffer)) != -1; ) {
        out.write(buffer, 0, n);
        int consumedParts = Math.max(0, (out.size() - 1000) / 700);
        assertTrue(
            fetcher.started.get() <= consumedParts + 3,
            fetcher.started.get() + " parts started after " + consumedParts + " were consumed");
      }
    }
    assertArrayEquals(object, out.toByteArray());
    assertEquals((object.length - 1000 + 699) / 700, fetcher.started.get());
  }

  @Test
  void aFailedPartFailsTheReadAfterTheBytesBeforeIt() throws IOException {
    CountingFetcher good = new CountingFetcher();
    ParallelRangedReader.PartFetcher failingThird =
        (offset, part) -> {
          if (offset == 1000 + 2 * 700) {
            InputStream tenBytesThenReset =
                new SequenceInputStream(
                    new ByteArrayInputStream(object, (int) offset, 10),
                    new InputStream() {
                      @Override
                      public int read() throws IOException {
                        throw new IOException("connection reset");
                      }
                    });
            part.fillFrom(tenBytesThenReset);
          }
          good.fetch(offset, part);
        };
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = reader(failingThird, 2)) {
      IOException e = assertThrows(IOException.class, () -> in.transferTo(out));
      assertTrue(e.getMessage().contains("connection reset"), e.getMessage());
    }
    assertArrayEquals(Arrays.copyOf(object, 1000 + 2 * 700 + 10), out.toByteArray());
  }

  @Test
  void closingCancelsThePartsStillBeingFetched() throws Exception {
    PartBuffer[] seen = new PartBuffer[1];
    ParallelRangedReader.PartFetcher slow =
        (offset, part) -> {
          synchronized (seen) {
            if (seen[0] == null) {
              seen[0] = part;
            }
          }
        };
    try (InputStream in = reader(slow, 2)) {
      assertEquals(10, in.readNBytes(10).length);
    }
    pool.shutdown();
    assertTrue(pool.awaitTermination(5, TimeUnit.SECONDS));
    synchronized (seen) {
      assertTrue(seen[0].isCancelled(), "the first part was cancelled");
    }
  }
}
