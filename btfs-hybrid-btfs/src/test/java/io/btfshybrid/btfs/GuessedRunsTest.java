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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A ranged trustless read of a CIDv1 file starts its first wave of raw-leaf runs together with the
 * root, on a guess, and still releases only leaves that hash to the CIDs their verified parents
 * name; the inner nodes of a file read before come from the tier's cache, never unverified ones.
 */
class GuessedRunsTest {
  private static final Duration HANG_GUARD = Duration.ofSeconds(30);
  private static final int CHUNK = CidProfile.CHUNK_SIZE;

  /** 176 leaves under two nodes under the root. */
  private static final int SIZE = 175 * CHUNK + 4321;

  private static final int PARALLELISM = 4;
  private static final int RUN = 4 * CHUNK;

  private static byte[] content;
  private static Map<Cid, byte[]> blocks;
  private static Cid root;
  private static List<Cid> leaves;
  private static List<Cid> nodes;

  private ReadPool pool;

  @BeforeAll
  static void buildDag() throws IOException {
    content = SeededContent.bytes(57, SIZE);
    blocks = new LinkedHashMap<>();
    UnixFsDagBuilder builder = UnixFsDagBuilder.create(CidProfile.V1_RAW, blocks::put);
    builder.write(content);
    root = builder.finish();
    leaves = new ArrayList<>();
    nodes = new ArrayList<>();
    for (Cid cid : blocks.keySet()) {
      (cid.codec() == Cid.RAW ? leaves : nodes).add(cid);
    }
    assertEquals(176, leaves.size());
    assertEquals(3, nodes.size(), "the root and two nodes below it");
    assertEquals(1, root.version());
  }

  @BeforeEach
  void startPool() {
    pool = ReadPool.create("t", 8, PARALLELISM, 64L << 20);
  }

  @AfterEach
  void stopPool() {
    pool.close();
  }

  /** Blocks by CID, counting fetches; a lying CID's block has one bit flipped. */
  private static final class Blocks implements BlockSource {
    final Map<Cid, AtomicInteger> fetched = new ConcurrentHashMap<>();
    final Set<Cid> lying = ConcurrentHashMap.newKeySet();
    volatile CountDownLatch rootGate = new CountDownLatch(0);

    @Override
    public byte[] get(Cid cid) throws IOException {
      fetched.computeIfAbsent(cid, k -> new AtomicInteger()).incrementAndGet();
      if (cid.equals(root)) {
        try {
          if (!rootGate.await(HANG_GUARD.toSeconds(), TimeUnit.SECONDS)) {
            throw new IOException("the root was never let through");
          }
        } catch (InterruptedException e) {
          throw new InterruptedIOException();
        }
      }
      byte[] b = blocks.get(cid).clone();
      if (lying.remove(cid)) {
        b[b.length / 2] ^= 1;
      }
      return b;
    }

    int count(List<Cid> which) {
      return which.stream().mapToInt(c -> fetched.getOrDefault(c, new AtomicInteger()).get()).sum();
    }
  }

  /** Byte ranges of the file, counted; a lying offset has its byte flipped. */
  private static final class Ranges implements PrefetchingBlocks.Ranges {
    final AtomicInteger calls = new AtomicInteger();
    final CountDownLatch firstWave = new CountDownLatch(PARALLELISM - 1);
    volatile long lyingAt = -1;

    @Override
    public byte[] fetch(long start, int length) {
      calls.incrementAndGet();
      firstWave.countDown();
      byte[] b =
          Arrays.copyOfRange(content, (int) start, (int) Math.min(SIZE, start + (long) length));
      if (lyingAt >= start && lyingAt < start + b.length) {
        b[(int) (lyingAt - start)] ^= 1;
      }
      return b;
    }
  }

  private byte[] read(BlockSource source, Ranges ranges, long offset, long length)
      throws IOException {
    PrefetchingBlocks ahead =
        new PrefetchingBlocks(source, ranges, RUN, pool, root, offset, length);
    try (InputStream in = new UnixFsReader(ahead, root, offset, length, "t", ahead)) {
      return in.readAllBytes();
    }
  }

  private static byte[] expected(long offset, long length) {
    return Arrays.copyOfRange(content, (int) offset, (int) Math.min(SIZE, offset + length));
  }

  @Test
  void theFirstWaveOfRunsStartsBeforeTheRootIsAnsweredAndCoversEveryLeaf() throws Exception {
    Blocks source = new Blocks();
    source.rootGate = new CountDownLatch(1);
    Ranges ranges = new Ranges();
    long offset = 3L * CHUNK + 100;
    long length = 10L * CHUNK; // leaves 3 to 13: 11 chunks, runs of 4, 4 and 3
    Thread release =
        new Thread(
            () -> {
              try {
                // the root is still held while the whole first wave is asked for
                if (ranges.firstWave.await(HANG_GUARD.toSeconds(), TimeUnit.SECONDS)) {
                  source.rootGate.countDown();
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    release.start();
    byte[] got = assertTimeoutPreemptively(HANG_GUARD, () -> read(source, ranges, offset, length));
    release.join();
    assertArrayEquals(expected(offset, length), got);
    assertEquals(3, ranges.calls.get(), "the guessed runs held every leaf: no other range");
    assertEquals(0, source.count(leaves), "no leaf came on its own");
    assertEquals(2, source.count(nodes), "the root and the node above the leaves, once each");
  }

  @Test
  void aLyingByteInAGuessedRunIsAnIntegrityErrorAfterOnlyTheGoodBytes() {
    for (int bad : new int[] {3, 8, 13}) {
      Blocks source = new Blocks();
      Ranges ranges = new Ranges();
      ranges.lyingAt = bad * (long) CHUNK + 777;
      long offset = 3L * CHUNK + 100;
      ByteArrayOutputStream delivered = new ByteArrayOutputStream();
      IntegrityException e =
          assertTimeoutPreemptively(
              HANG_GUARD,
              () ->
                  assertThrows(
                      IntegrityException.class,
                      () -> {
                        PrefetchingBlocks ahead =
                            new PrefetchingBlocks(
                                source, ranges, RUN, pool, root, offset, 10L * CHUNK);
                        try (InputStream in =
                            new UnixFsReader(ahead, root, offset, 10L * CHUNK, "t", ahead)) {
                          in.transferTo(delivered);
                        }
                      }));
      assertTrue(e.getMessage().contains(leaves.get(bad).toString()), e.getMessage());
      assertArrayEquals(
          Arrays.copyOfRange(content, (int) offset, Math.max((int) offset, bad * CHUNK)),
          delivered.toByteArray(),
          "leaf " + bad + ": every byte before it and none of it");
    }
  }

  @Test
  void aSecondRangeOfTheSameFileTakesItsInnerNodesFromTheCache() throws Exception {
    Blocks network = new Blocks();
    BlockSource cached = new DagNodeCache(DagNodeCache.DEFAULT_BYTES).over(network);
    long offset = 170L * CHUNK; // across the link boundary at leaf 174: both nodes
    long length = 5L * CHUNK;
    assertArrayEquals(expected(offset, length), read(cached, new Ranges(), offset, length));
    assertEquals(3, network.count(nodes));
    assertArrayEquals(expected(7, 99), read(cached, new Ranges(), 7, 99));
    assertArrayEquals(expected(offset, length), read(cached, new Ranges(), offset, length));
    assertEquals(3, network.count(nodes), "no inner node was fetched again");
  }

  @Test
  void anInnerNodeThatDoesNotHashToItsCidIsNeverCached() throws Exception {
    Blocks network = new Blocks();
    BlockSource cached = new DagNodeCache(DagNodeCache.DEFAULT_BYTES).over(network);
    Cid firstNode = nodes.stream().filter(c -> !c.equals(root)).findFirst().orElseThrow();
    network.lying.add(firstNode); // once
    IntegrityException e =
        assertThrows(IntegrityException.class, () -> read(cached, new Ranges(), 5, 3L * CHUNK));
    assertTrue(e.getMessage().contains(firstNode.toString()), e.getMessage());
    assertArrayEquals(expected(5, 3L * CHUNK), read(cached, new Ranges(), 5, 3L * CHUNK));
    assertEquals(2, network.fetched.get(firstNode).get(), "fetched again, not served the lie");
    assertEquals(1, network.fetched.get(root).get(), "the good root was kept");
  }
}
