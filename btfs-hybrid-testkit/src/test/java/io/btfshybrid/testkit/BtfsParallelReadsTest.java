package io.btfshybrid.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.HybridStorageException;
import io.btfshybrid.api.IntegrityException;
import io.btfshybrid.api.Locator;
import io.btfshybrid.btfs.BtfsTier;
import io.btfshybrid.btfs.Cid;
import io.btfshybrid.btfs.CidProfile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 13 on the BTFS tier against the simulator: ranged reads keep several requests in flight
 * (counted at the simulator's door, which holds them until the test lets them through), deliver
 * exact bytes in order, and keep the fault behaviour of sequential reads.
 */
class BtfsParallelReadsTest {
  @RegisterExtension static final BtfsNodeExtension BTFS = new BtfsNodeExtension();

  private static final Duration HANG_GUARD = Duration.ofSeconds(30);
  private static final int CHUNK = CidProfile.CHUNK_SIZE;
  private static final int MIB = 1 << 20;
  private static final int PARALLELISM = 8;

  private final ExecutorService readers = Executors.newCachedThreadPool();

  @AfterEach
  void stopReaders() throws InterruptedException {
    readers.shutdownNow();
    assertTrue(readers.awaitTermination(30, TimeUnit.SECONDS));
  }

  private static byte[] content(long seed, int size) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static Locator write(BtfsTier tier, byte[] bytes) throws IOException {
    return tier.write("k", new ByteArrayInputStream(bytes), bytes.length);
  }

  private static byte[] read(BtfsTier tier, Locator where, long offset, long length)
      throws IOException {
    try (InputStream in = tier.read(where, offset, length)) {
      return in.readAllBytes();
    }
  }

  private static BtfsTier tier(String id, boolean trustless) {
    return BTFS.tierBuilder(id).trustless(trustless).readParallelism(PARALLELISM).build();
  }

  /**
   * Lets a held read through wave by wave — first {@code alone} requests one at a time (what must
   * come before anything else is known, like a root block), then waves of {@code perWave} — and
   * returns how many waves it took to let {@code total} through, failing if more than a wave ever
   * arrived before the wave was answered.
   */
  private static int wavesOf(BtfsNodeSimulator sim, int total, int alone, int perWave) {
    int waves = 0;
    for (int seen = 0; seen < total; waves++) {
      int wave = Math.min(seen < alone ? 1 : perWave, total - seen);
      seen += wave;
      assertTrue(sim.awaitHeldArrivals(seen, HANG_GUARD), "only " + sim.heldArrivals());
      assertEquals(seen, sim.heldArrivals(), "requests sent before the wave was answered");
      sim.releaseHeld(wave);
    }
    return waves;
  }

  @Test
  void aSixteenMibTrustlessRangedReadOfRawLeavesIsTheRootAndOneWaveOfEightVerifiedRanges(
      BtfsNodeSimulator sim) throws Exception {
    byte[] bytes = content(1, 20 * MIB);
    try (BtfsTier trustless = tier("t", true)) {
      Locator where = write(trustless, bytes);
      int blocksBefore = sim.requestCount("block/get");
      int catsBefore = sim.requestCount("cat");
      sim.holdRequests("cat", true);
      long offset = 3 * MIB;
      Future<byte[]> read = readers.submit(() -> read(trustless, where, offset, 16 * MIB));
      int waves = assertTimeoutPreemptively(HANG_GUARD, () -> wavesOf(sim, 8, 0, PARALLELISM));
      assertArrayEquals(
          Arrays.copyOfRange(bytes, (int) offset, (int) offset + 16 * MIB),
          read.get(30, TimeUnit.SECONDS));
      assertEquals(1, waves, "64 raw leaves in 8 ranges of 2 MiB, all at once");
      assertEquals(1, sim.requestCount("block/get") - blocksBefore, "the root alone");
      assertEquals(8, sim.requestCount("cat") - catsBefore);
      sim.holdRequests("cat", false);
      long again = 2 * MIB + 5;
      assertArrayEquals(
          Arrays.copyOfRange(bytes, (int) again, (int) again + 16 * MIB),
          read(trustless, where, again, 16 * MIB));
      assertEquals(
          1, sim.requestCount("block/get") - blocksBefore, "the verified root was kept, not asked");
      assertEquals(8 + 8, sim.requestCount("cat") - catsBefore);
    }
  }

  @Test
  void aRangeOfAFileUnderTwoLevelsAsksForItsLeavesWithTheRootAndALyingNodeIsTyped(
      BtfsNodeSimulator sim) throws Exception {
    byte[] bytes = content(3, 44 * MIB); // 176 leaves: the root, two nodes, then the leaves
    long offset = 40 * MIB + 99;
    try (BtfsTier trustless = tier("t", true)) {
      Locator where = write(trustless, bytes);
      int blocksBefore = sim.requestCount("block/get");
      int catsBefore = sim.requestCount("cat");
      sim.holdRequests("block/get", true).holdRequests("cat", true);
      Future<byte[]> read = readers.submit(() -> read(trustless, where, offset, 3 * MIB));
      // 13 chunks in runs of 1 MiB: all four ranges of cat are at the door with the root
      assertTrue(sim.awaitHeldArrivals(1 + 4, HANG_GUARD), "only " + sim.heldArrivals());
      sim.holdRequests("block/get", false).holdRequests("cat", false);
      assertArrayEquals(
          Arrays.copyOfRange(bytes, (int) offset, (int) offset + 3 * MIB),
          read.get(30, TimeUnit.SECONDS));
      assertEquals(2, sim.requestCount("block/get") - blocksBefore, "the root and one node");
      assertEquals(4, sim.requestCount("cat") - catsBefore, "every leaf came in a guessed range");
    }
    sim.corruptBlocks(true); // blocks lie (the root first), ranges of cat do not
    try (BtfsTier fresh = tier("t2", true)) {
      Locator where = fresh.locatorOf(bytes);
      IntegrityException e =
          assertThrows(IntegrityException.class, () -> read(fresh, where, offset, MIB));
      assertEquals("t2", e.tierId());
    }
  }

  @Test
  void aSixteenMibTrustlessRangedReadOfDagPbLeavesTakesEightWavesOfEightBlocksNotSixtyFour(
      BtfsNodeSimulator sim) throws Exception {
    byte[] bytes = content(7, 20 * MIB);
    try (BtfsTier trustless =
        BTFS.tierBuilder("t0")
            .trustless(true)
            .readParallelism(PARALLELISM)
            .cidProfile(CidProfile.V0)
            .build()) {
      Locator where = write(trustless, bytes);
      int blocksBefore = sim.requestCount("block/get");
      sim.holdRequests("block/get", true);
      long offset = 3 * MIB;
      Future<byte[]> read = readers.submit(() -> read(trustless, where, offset, 16 * MIB));
      // V0 leaves are dag-pb: their blocks are not the file's bytes, so they come one per request
      int waves = assertTimeoutPreemptively(HANG_GUARD, () -> wavesOf(sim, 1 + 64, 1, PARALLELISM));
      assertArrayEquals(
          Arrays.copyOfRange(bytes, (int) offset, (int) offset + 16 * MIB),
          read.get(30, TimeUnit.SECONDS));
      assertEquals(1 + 8, waves, "the root, then 64 leaves 8 at a time");
      assertEquals(
          1 + 64, sim.requestCount("block/get") - blocksBefore, "the root and the covered leaves");
      assertTrue(sim.peakConcurrentRequests("block/get") <= PARALLELISM);
    }
  }

  @Test
  void aSixteenMibPlainRangedReadStreamsCatInEightParallelRangesDeliveredInOrder(
      BtfsNodeSimulator sim) throws Exception {
    byte[] bytes = content(2, 17 * MIB + 5);
    try (BtfsTier tier = tier("btfs", false)) {
      Locator where = write(tier, bytes);
      int catsBefore = sim.requestCount("cat");
      sim.holdRequests("cat", true);
      long offset = 12345;
      Future<byte[]> read = readers.submit(() -> read(tier, where, offset, 16 * MIB));
      int waves = assertTimeoutPreemptively(HANG_GUARD, () -> wavesOf(sim, 8, 0, PARALLELISM));
      assertArrayEquals(
          Arrays.copyOfRange(bytes, (int) offset, (int) offset + 16 * MIB),
          read.get(30, TimeUnit.SECONDS));
      assertEquals(1, waves, "all 8 ranges of 2 MiB at once");
      assertEquals(8, sim.requestCount("cat") - catsBefore);
    }
  }

  @Test
  void rangesAcrossPartAndBlockBoundariesAndPastTheEndAreExact() throws IOException {
    byte[] bytes = content(3, 9 * MIB + 777);
    try (BtfsTier tier = tier("btfs", false);
        BtfsTier trustless = tier("t", true)) {
      Locator where = write(tier, bytes);
      long[][] ranges = {
        {0, 2 * MIB}, // two parts of 1 MiB exactly
        {CHUNK - 1, 2 * MIB + 2},
        {MIB - 1, 3 * MIB},
        {bytes.length - 3 * MIB, 3 * MIB},
        {bytes.length - 3 * MIB + 1, 8 * MIB}, // runs past the end by more than a part
        {0, Long.MAX_VALUE},
        {0, bytes.length},
      };
      for (BtfsTier t : new BtfsTier[] {tier, trustless}) {
        for (long[] r : ranges) {
          int to = (int) Math.min(bytes.length, r[0] + Math.min(r[1], bytes.length));
          assertArrayEquals(
              Arrays.copyOfRange(bytes, (int) r[0], to),
              assertTimeoutPreemptively(HANG_GUARD, () -> read(t, where, r[0], r[1])),
              t + " " + Arrays.toString(r));
        }
      }
    }
  }

  @Test
  void aLyingLeafMidStreamIsAnIntegrityErrorNamingTheTierAfterOnlyGoodBytes(BtfsNodeSimulator sim)
      throws IOException {
    byte[] bytes = content(4, 24 * CHUNK);
    try (BtfsTier trustless = tier("t", true)) {
      Locator where = write(trustless, bytes);
      Cid lying = Cid.ofBlock(1, Cid.RAW, Arrays.copyOfRange(bytes, 10 * CHUNK, 11 * CHUNK));
      sim.corruptBlock(lying); // whether the leaf comes as a block
      sim.corruptCatAt(10L * CHUNK + 777); // or inside a range of cat
      ByteArrayOutputStream delivered = new ByteArrayOutputStream();
      IntegrityException e =
          assertThrows(
              IntegrityException.class,
              () -> {
                try (InputStream in = trustless.read(where, 5, 20L * CHUNK)) {
                  in.transferTo(delivered);
                }
              });
      assertEquals("t", e.tierId());
      assertTrue(e.getMessage().contains(lying.toString()), e.getMessage());
      assertArrayEquals(Arrays.copyOfRange(bytes, 5, 10 * CHUNK), delivered.toByteArray());
    }
  }

  @Test
  void closingMidReadCutsTheHeldRequestsAndTheClosedTierLeavesNoReadThreads(BtfsNodeSimulator sim)
      throws Exception {
    byte[] bytes = content(5, 40 * CHUNK);
    Locator where;
    try (BtfsTier trustless = tier("closing", true)) {
      where = write(trustless, bytes);
      sim.holdRequests("cat", true);
      assertTimeoutPreemptively(
          HANG_GUARD,
          () -> {
            InputStream in = trustless.read(where, 1, 30L * CHUNK);
            assertTrue(sim.awaitHeldArrivals(PARALLELISM, HANG_GUARD));
            in.close(); // the held requests never answer: close must cut them, not wait
          });
    }
    assertEquals(
        0,
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().startsWith("btfs-read-closing-"))
            .count(),
        "read threads left after the tier closed");
    sim.holdRequests("cat", false);
    try (BtfsTier again = tier("again", true)) {
      assertArrayEquals(
          Arrays.copyOfRange(bytes, 1, 1 + 30 * CHUNK), read(again, where, 1, 30L * CHUNK));
    }
  }

  @Test
  void aSlowRangeOfAParallelPlainReadFailsTypedAsASequentialReadDoes(BtfsNodeSimulator sim)
      throws IOException {
    byte[] bytes = content(6, 4 * MIB);
    try (BtfsTier parallel =
            BTFS.tierBuilder("slow")
                .readParallelism(PARALLELISM)
                .stallTimeout(Duration.ofMillis(300))
                .build();
        BtfsTier sequential =
            BTFS.tierBuilder("slow")
                .readParallelism(1)
                .stallTimeout(Duration.ofMillis(300))
                .build()) {
      Locator where = write(parallel, bytes);
      sim.slowBodies(Duration.ofSeconds(5));
      HybridStorageException one =
          assertTimeoutPreemptively(
              HANG_GUARD,
              () ->
                  assertThrows(
                      HybridStorageException.class, () -> read(sequential, where, 0, 4 * MIB)));
      HybridStorageException many =
          assertTimeoutPreemptively(
              HANG_GUARD,
              () ->
                  assertThrows(
                      HybridStorageException.class, () -> read(parallel, where, 0, 4 * MIB)));
      assertEquals(one.getClass(), many.getClass(), many.toString());
      assertTrue(many.getMessage().contains(where.toString()), many.getMessage());
      assertTrue(many.getMessage().contains("'slow'"), many.getMessage());
    }
  }
}
