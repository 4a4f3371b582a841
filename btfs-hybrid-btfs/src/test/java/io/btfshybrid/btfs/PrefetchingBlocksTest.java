package io.btfshybrid.btfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.IntegrityException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Ranged trustless reads fetch ahead: exactly the blocks a range covers, each once, several at a
 * time but never more than the parallelism, verified before a byte of them is released, and a
 * closed read leaves no fetch running.
 */
class PrefetchingBlocksTest {
  private static final Duration HANG_GUARD = Duration.ofSeconds(30);
  private static final int CHUNK = CidProfile.CHUNK_SIZE;

  /** 176 leaves under two nodes under the root: leaf boundaries and a link boundary at 174. */
  private static final int SIZE = 175 * CHUNK + 4321;

  private static final int PARALLELISM = 4;

  private static byte[] content;
  private static Map<Cid, byte[]> blocks;
  private static Cid root;
  private static List<Cid> leaves;

  private ReadPool pool;

  @BeforeAll
  static void buildDag() throws IOException {
    content = SeededContent.bytes(31, SIZE);
    blocks = new LinkedHashMap<>();
    UnixFsDagBuilder builder = UnixFsDagBuilder.create(CidProfile.V1_RAW, blocks::put);
    builder.write(content);
    root = builder.finish();
    leaves = new ArrayList<>();
    for (Cid cid : blocks.keySet()) {
      if (cid.codec() == Cid.RAW) {
        leaves.add(cid);
      }
    }
    assertEquals(176, leaves.size());
  }

  @BeforeEach
  void startPool() {
    pool = ReadPool.create("t", 8, PARALLELISM, 64L << 20);
  }

  @AfterEach
  void stopPool() {
    pool.close();
  }

  /** The blocks, counting every fetch and the most running at once. */
  private static final class CountingSource implements BlockSource {
    final Map<Cid, AtomicInteger> fetches = new ConcurrentHashMap<>();
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger peak = new AtomicInteger();
    final Set<Cid> lying = ConcurrentHashMap.newKeySet();

    @Override
    public byte[] get(Cid cid) {
      fetches.computeIfAbsent(cid, k -> new AtomicInteger()).incrementAndGet();
      peak.accumulateAndGet(running.incrementAndGet(), Math::max);
      try {
        byte[] b = blocks.get(cid).clone();
        if (lying.contains(cid)) {
          b[b.length / 2] ^= 1;
        }
        return b;
      } finally {
        running.decrementAndGet();
      }
    }

    int total() {
      return fetches.values().stream().mapToInt(AtomicInteger::get).sum();
    }
  }

  private byte[] read(BlockSource source, long offset, long length) throws IOException {
    PrefetchingBlocks ahead = new PrefetchingBlocks(source, null, 0, pool, root, offset, length);
    try (InputStream in = new UnixFsReader(ahead, root, offset, length, "t", ahead)) {
      return in.readAllBytes();
    }
  }

  private static byte[] expected(long offset, long length) {
    long end = length < 0 ? SIZE : Math.min(SIZE, offset + length);
    return Arrays.copyOfRange(content, (int) offset, (int) end);
  }

  @Test
  void rangesAcrossBlockAndLinkBoundariesAreExactAndFetchOnlyTheBlocksTheyCover()
      throws IOException {
    long linkBoundary = 174L * CHUNK;
    long[][] ranges = {
      {0, 1, 1 + 1 + 1}, // root, first node, first leaf
      {CHUNK - 1, 2, 1 + 1 + 2},
      {linkBoundary - 3, 10, 1 + 2 + 2},
      {linkBoundary - CHUNK, 3L * CHUNK, 1 + 2 + 3},
      {5, SIZE - 10, 1 + 2 + 176},
      {SIZE - 1, -1, 1 + 1 + 1},
      {100, 16L << 20, 1 + 1 + 65},
      {linkBoundary + 7, Long.MAX_VALUE - linkBoundary - 7, 1 + 1 + 2},
    };
    for (long[] r : ranges) {
      CountingSource source = new CountingSource();
      byte[] got = assertTimeoutPreemptively(HANG_GUARD, () -> read(source, r[0], r[1]));
      assertArrayEquals(expected(r[0], r[1]), got, Arrays.toString(r));
      assertEquals(r[2], source.total(), "blocks fetched for " + Arrays.toString(r));
      source.fetches.forEach((cid, n) -> assertEquals(1, n.get(), cid + " fetched once"));
      assertTrue(source.peak.get() <= PARALLELISM, "at most the parallelism at once");
    }
  }

  @Test
  void aLyingBlockMidStreamIsAnIntegrityErrorAfterExactlyTheBytesBeforeIt() {
    CountingSource source = new CountingSource();
    int bad = 9;
    source.lying.add(leaves.get(bad));
    long from = 1000;
    ByteArrayOutputStream delivered = new ByteArrayOutputStream();
    IntegrityException e =
        assertTimeoutPreemptively(
            HANG_GUARD,
            () ->
                assertThrows(
                    IntegrityException.class,
                    () -> {
                      PrefetchingBlocks ahead =
                          new PrefetchingBlocks(source, null, 0, pool, root, from, 20L * CHUNK);
                      try (InputStream in =
                          new UnixFsReader(ahead, root, from, 20L * CHUNK, "t", ahead)) {
                        byte[] buf = new byte[10_000];
                        for (int n; (n = in.read(buf)) > 0; ) {
                          delivered.write(buf, 0, n);
                        }
                      }
                    }));
    assertEquals("t", e.tierId());
    assertTrue(e.getMessage().contains(leaves.get(bad).toString()), e.getMessage());
    assertArrayEquals(
        Arrays.copyOfRange(content, (int) from, bad * CHUNK),
        delivered.toByteArray(),
        "every byte before the lying block, none of it");
  }

  @Test
  void leavesAreFetchedInWavesOfTheParallelismNotOneByOne() throws Exception {
    AtomicInteger arrivals = new AtomicInteger();
    Semaphore permits = new Semaphore(0);
    Object changed = new Object();
    BlockSource gated =
        cid -> {
          if (cid.codec() == Cid.RAW) {
            synchronized (changed) {
              arrivals.incrementAndGet();
              changed.notifyAll();
            }
            try {
              permits.acquire();
            } catch (InterruptedException e) {
              throw new InterruptedIOException();
            }
          }
          return blocks.get(cid);
        };
    int leavesRead = 64;
    ReadTask task = new ReadTask(gated, 0, (long) leavesRead * CHUNK);
    int waves = 0;
    for (int seen = 0; seen < leavesRead; waves++) {
      int wave = Math.min(PARALLELISM, leavesRead - seen);
      seen += wave;
      awaitAtLeast(arrivals, seen, changed);
      assertEquals(seen, arrivals.get(), "no more than the parallelism before any answer");
      permits.release(wave);
    }
    assertArrayEquals(expected(0, (long) leavesRead * CHUNK), task.result());
    assertEquals(leavesRead / PARALLELISM, waves);
  }

  @Test
  void closingMidReadCutsTheFetchesInFlightAndLeavesNoneRunning() throws Exception {
    CountDownLatch inFlight = new CountDownLatch(PARALLELISM);
    AtomicInteger cut = new AtomicInteger();
    AtomicInteger running = new AtomicInteger();
    BlockSource hanging =
        cid -> {
          if (cid.codec() != Cid.RAW) {
            return blocks.get(cid);
          }
          CountDownLatch cancelled = new CountDownLatch(1);
          FetchCancellation.onCancel(
              () -> {
                cut.incrementAndGet();
                cancelled.countDown();
              });
          running.incrementAndGet();
          inFlight.countDown();
          try {
            cancelled.await(); // a request that never answers until it is cut
          } catch (InterruptedException e) {
            throw new InterruptedIOException();
          } finally {
            running.decrementAndGet();
          }
          throw new IOException("cut");
        };
    assertTimeoutPreemptively(
        HANG_GUARD,
        () -> {
          PrefetchingBlocks ahead =
              new PrefetchingBlocks(hanging, null, 0, pool, root, 0, 40L * CHUNK);
          InputStream in = new UnixFsReader(ahead, root, 0, 40L * CHUNK, "t", ahead);
          assertTrue(inFlight.await(20, TimeUnit.SECONDS));
          in.close();
        });
    assertEquals(0, running.get(), "close returned with no fetch still running");
    assertEquals(PARALLELISM, cut.get(), "every fetch in flight was cut");
  }

  private static void awaitAtLeast(AtomicInteger n, int target, Object changed)
      throws InterruptedException {
    long deadline = System.nanoTime() + HANG_GUARD.toNanos();
    synchronized (changed) {
      while (n.get() < target) {
        long left = deadline - System.nanoTime();
        assertTrue(left > 0, "only " + n.get() + " of " + target + " fetches arrived");
        TimeUnit.NANOSECONDS.timedWait(changed, left);
      }
    }
  }

  /** A read on its own thread. */
  private final class ReadTask {
    private final Thread thread;
    private volatile byte[] bytes;
    private volatile Throwable failure;

    ReadTask(BlockSource source, long offset, long length) {
      this.thread =
          new Thread(
              () -> {
                try {
                  bytes = read(source, offset, length);
                } catch (IOException | RuntimeException e) {
                  failure = e;
                }
              },
              "test-reader");
      thread.start();
    }

    byte[] result() throws Exception {
      thread.join(HANG_GUARD.toMillis());
      if (failure != null) {
        throw new AssertionError("the read failed", failure);
      }
      assertTrue(bytes != null, "the read did not finish");
      return bytes;
    }
  }
}
