package io.btfshybrid.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.HybridStorageException;
import io.btfshybrid.api.IntegrityException;
import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectNotFoundException;
import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.StorageTierFactory;
import io.btfshybrid.api.TierKind;
import io.btfshybrid.api.TierSpec;
import io.btfshybrid.btfs.BtfsContentUnavailableException;
import io.btfshybrid.btfs.BtfsNodeException;
import io.btfshybrid.btfs.BtfsTier;
import io.btfshybrid.btfs.Cid;
import io.btfshybrid.btfs.CidProfile;
import io.btfshybrid.btfs.PaidStorageException;
import io.btfshybrid.btfs.StorageUploadResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** BtfsTier against the BTFS node simulator: round trips, ranges, and each fault switch. */
class BtfsTierOnSimulatorTest {
  @RegisterExtension static final BtfsNodeExtension BTFS = new BtfsNodeExtension();

  private static final int CHUNK = CidProfile.CHUNK_SIZE;
  private static final Duration LIMIT = Duration.ofSeconds(1);

  private static byte[] content(long seed, int size) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static Locator write(BtfsTier tier, byte[] bytes) throws IOException {
    return tier.write(
        "shards/part-" + bytes.length + ".bin", new ByteArrayInputStream(bytes), bytes.length);
  }

  private static byte[] read(StorageTier tier, Locator where, long offset, long length)
      throws IOException {
    try (InputStream in = tier.read(where, offset, length)) {
      return in.readAllBytes();
    }
  }

  private static URI deadUrl() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return URI.create("http://127.0.0.1:" + s.getLocalPort());
    }
  }

  @Test
  void roundTripStoresPinsAndNamesTheContentByItsCid(BtfsNodeSimulator sim) throws IOException {
    byte[] bytes = content(1, 3 * CHUNK + 99);
    try (BtfsTier tier = BTFS.tier("btfs")) {
      Locator where = write(tier, bytes);
      Cid cid = Cid.compute(new ByteArrayInputStream(bytes), CidProfile.V1_RAW);
      assertEquals(new Locator("btfs", URI.create("btfs://" + cid)), where);
      assertArrayEquals(bytes, read(tier, where, 0, -1));
      assertTrue(sim.isPinned(cid));
      assertTrue(tier.isPinned(cid));
      assertEquals(Optional.of((long) bytes.length), tier.stat(where).map(i -> i.size()));
      assertFalse(sim.lastUserAgent().contains("/go-btfs/"), sim.lastUserAgent());
    }
  }

  @Test
  void cidv0RoundTrip() throws IOException {
    byte[] bytes = content(2, CHUNK + 1);
    try (BtfsTier tier = BTFS.tierBuilder("btfs").cidProfile(CidProfile.V0).build()) {
      Locator where = write(tier, bytes);
      assertEquals(
          Cid.compute(new ByteArrayInputStream(bytes), CidProfile.V0), BtfsTier.cidOf(where));
      assertTrue(where.uri().toString().startsWith("btfs://Qm"), where.toString());
      assertArrayEquals(bytes, read(tier, where, 0, -1));
    }
  }

  @Test
  void rangedCatReturnsExactlyTheRange() throws IOException {
    byte[] bytes = content(3, 2 * CHUNK + 12345);
    try (BtfsTier tier = BTFS.tier("btfs");
        BtfsTier trustless = BTFS.tierBuilder("t").trustless(true).build()) {
      Locator where = write(tier, bytes);
      long[][] ranges = {
        {0, 0},
        {0, 1},
        {CHUNK - 1, 2},
        {CHUNK, CHUNK},
        {bytes.length - 1, -1},
        {bytes.length, -1},
        {5, bytes.length - 5}
      };
      for (StorageTier t : new StorageTier[] {tier, trustless}) {
        for (long[] r : ranges) {
          int to = r[1] < 0 ? bytes.length : (int) (r[0] + r[1]);
          assertArrayEquals(
              Arrays.copyOfRange(bytes, (int) r[0], to),
              read(t, where, r[0], r[1]),
              t + " " + Arrays.toString(r));
        }
      }
    }
  }

  @Test
  void trustlessWholeReadsTakeOneDagExportAndOnlyRepeatedBlocksOneByOne(BtfsNodeSimulator sim)
      throws IOException {
    byte[] bytes = content(19, 3 * CHUNK + 10);
    byte[] zeros = new byte[3 * CHUNK];
    try (BtfsTier tier = BTFS.tier("btfs");
        BtfsTier trustless = BTFS.tierBuilder("t").trustless(true).build()) {
      Locator where = write(tier, bytes);
      Locator repeated = write(tier, zeros);
      int exports = sim.requestCount("dag/export");
      int blocks = sim.requestCount("block/get");
      assertArrayEquals(bytes, read(trustless, where, 0, -1));
      assertEquals(exports + 1, sim.requestCount("dag/export"));
      assertEquals(blocks, sim.requestCount("block/get"), "every block came in the CAR");
      assertArrayEquals(zeros, read(trustless, repeated, 0, -1));
      assertEquals(blocks + 2, sim.requestCount("block/get"), "a CAR holds a repeated leaf once");
    }
  }

  @Test
  void unavailableContentFailsTypedWithinTheLimit(BtfsNodeSimulator sim) throws IOException {
    byte[] bytes = content(4, 5000);
    try (BtfsTier tier = BTFS.tierBuilder("btfs").requestTimeout(LIMIT).build();
        BtfsTier trustless = BTFS.tierBuilder("t").requestTimeout(LIMIT).trustless(true).build()) {
      Locator where = write(tier, bytes);
      sim.contentUnavailable(true);
      for (BtfsTier t : new BtfsTier[] {tier, trustless}) {
        long start = System.nanoTime();
        BtfsContentUnavailableException e =
            assertThrows(BtfsContentUnavailableException.class, () -> read(t, where, 0, -1));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(LIMIT.multipliedBy(3)) < 0, "gave up after " + took);
        assertTrue(e.getMessage().contains("deadline"), e.getMessage());
        assertEquals(where.uri(), e.locator().uri());
        assertEquals(t.id(), e.locator().tierId());
      }
      assertEquals(Optional.empty(), tier.stat(where));
    }
  }

  @Test
  void aBlockMissingFromTheNodeIsNotFoundNotShort(BtfsNodeSimulator sim) throws IOException {
    byte[] bytes = content(5, 2 * CHUNK + 1);
    try (BtfsTier tier = BTFS.tierBuilder("btfs").requestTimeout(LIMIT).build()) {
      Locator where = write(tier, bytes);
      sim.removeBlock(BtfsTier.cidOf(where));
      assertThrows(ObjectNotFoundException.class, () -> read(tier, where, 0, -1));
    }
  }

  @Test
  void corruptedBlocksAreCaughtByTrustlessReadsAndBlockGet(BtfsNodeSimulator sim)
      throws IOException {
    byte[] bytes = content(6, 2 * CHUNK + 7);
    try (BtfsTier tier = BTFS.tier("btfs");
        BtfsTier trustless = BTFS.tierBuilder("t").trustless(true).build()) {
      Locator where = write(tier, bytes);
      sim.corruptBlocks(true);
      IntegrityException e =
          assertThrows(IntegrityException.class, () -> read(trustless, where, 0, -1));
      assertEquals("t", e.tierId());
      assertThrows(IntegrityException.class, () -> tier.blockGet(BtfsTier.cidOf(where)));
      byte[] viaCat = read(tier, where, 0, -1);
      assertEquals(bytes.length, viaCat.length);
      assertEquals(bytes[0] ^ 1, viaCat[0], "cat passes the corruption on; only hashes can tell");
    }
  }

  @Test
  void http500sBecomeNodeErrorsWithTheNodesMessage(BtfsNodeSimulator sim) throws IOException {
    byte[] bytes = content(7, 1000);
    try (BtfsTier tier = BTFS.tier("btfs")) {
      Locator where = write(tier, bytes);
      sim.failAllRequests(true);
      BtfsNodeException read =
          assertThrows(BtfsNodeException.class, () -> read(tier, where, 0, -1));
      assertEquals(500, read.httpStatus());
      assertEquals("simulated internal error", read.nodeMessage());
      assertEquals("cat", read.command());
      BtfsNodeException add = assertThrows(BtfsNodeException.class, () -> write(tier, bytes));
      assertEquals("add", add.command());
    }
  }

  @Test
  void anErrorInTheStreamErrorTrailerIsNeverAShortSuccess(BtfsNodeSimulator sim)
      throws IOException {
    byte[] bytes = content(8, 3 * CHUNK);
    try (BtfsTier tier = BTFS.tier("btfs")) {
      Locator where = write(tier, bytes);
      sim.streamErrorAfter(100_000);
      for (long length : new long[] {-1, 200_000}) {
        try (InputStream in = tier.read(where, 0, length)) {
          assertArrayEquals(
              Arrays.copyOf(bytes, 100_000), in.readNBytes(100_000), "the bytes before the error");
          BtfsNodeException e = assertThrows(BtfsNodeException.class, in::readAllBytes);
          assertEquals(200, e.httpStatus());
          assertTrue(e.nodeMessage().contains("simulated stream failure"), e.getMessage());
        }
      }
    }
  }

  @Test
  void aBodyThatEndsEarlyWithoutAnErrorIsStillAFailure(BtfsNodeSimulator sim) throws IOException {
    byte[] bytes = content(9, 2 * CHUNK);
    try (BtfsTier tier = BTFS.tier("btfs")) {
      Locator where = write(tier, bytes);
      sim.truncateBodiesAfter(1000);
      for (long length : new long[] {-1, 5000}) {
        HybridStorageException e =
            assertThrows(HybridStorageException.class, () -> read(tier, where, 0, length));
        assertTrue(
            e.getMessage().contains("short body") && e.getMessage().contains("got 1000 of"),
            e.getMessage());
      }
    }
  }

  @Test
  void slowBodiesArriveWholeAndStalledOnesFail(BtfsNodeSimulator sim) throws IOException {
    byte[] bytes = content(10, 4 * 64 * 1024);
    try (BtfsTier tier = BTFS.tierBuilder("btfs").requestTimeout(LIMIT).build()) {
      Locator where = write(tier, bytes);
      sim.slowBodies(Duration.ofMillis(100));
      assertArrayEquals(bytes, read(tier, where, 0, -1));
      sim.slowBodies(Duration.ofSeconds(5));
      HybridStorageException e =
          assertThrows(HybridStorageException.class, () -> read(tier, where, 0, -1));
      assertTrue(
          e.getMessage().contains("stalled") || e instanceof BtfsContentUnavailableException,
          e.toString());
    }
  }

  @Test
  void aNodeLyingAboutTheCidFailsTheWrite(BtfsNodeSimulator sim) throws IOException {
    byte[] bytes = content(11, CHUNK + 3);
    Cid real = Cid.compute(new ByteArrayInputStream(bytes), CidProfile.V1_RAW);
    sim.lyingAdd(true);
    try (BtfsTier tier = BTFS.tier("btfs")) {
      IntegrityException e = assertThrows(IntegrityException.class, () -> write(tier, bytes));
      assertTrue(e.getMessage().contains(real.toString()), e.getMessage());
      assertEquals("btfs", e.tierId());
    }
  }

  @Test
  void readsFallBackToTheGatewayAndTrustlessReadsCanUseItAlone(BtfsNodeSimulator sim)
      throws IOException {
    byte[] bytes = content(12, 2 * CHUNK + 500);
    Locator where;
    try (BtfsTier tier = BTFS.tier("btfs")) {
      where = write(tier, bytes);
    }
    URI dead = deadUrl();
    try (BtfsTier gatewayOnly =
            BtfsTier.builder().id("btfs").apiUrl(dead).gatewayUrl(sim.gatewayUrl()).build();
        BtfsTier trustless =
            BtfsTier.builder()
                .id("btfs")
                .apiUrl(dead)
                .gatewayUrl(sim.gatewayUrl())
                .trustless(true)
                .build()) {
      assertArrayEquals(bytes, read(gatewayOnly, where, 0, -1));
      assertArrayEquals(
          Arrays.copyOfRange(bytes, CHUNK - 5, CHUNK + 5), read(gatewayOnly, where, CHUNK - 5, 10));
      assertArrayEquals(Arrays.copyOfRange(bytes, 7, bytes.length), read(trustless, where, 7, -1));
      assertTrue(sim.requestCount("gateway") >= 4);
      assertArrayEquals(
          new byte[0], read(gatewayOnly, where, bytes.length, -1), "the end of the file");
      assertThrows(
          HybridStorageException.class, () -> read(gatewayOnly, where, bytes.length + 1, -1));
      sim.corruptBlocks(true);
      // a tier keeps the verified inner nodes of files it read: the lie is seen by a tier that
      // has not read this file yet
      try (BtfsTier fresh =
          BtfsTier.builder()
              .id("btfs")
              .apiUrl(dead)
              .gatewayUrl(sim.gatewayUrl())
              .trustless(true)
              .build()) {
        assertThrows(IntegrityException.class, () -> read(fresh, where, 0, -1));
      }
    }
  }

  @Test
  void writeNewIsAWriteBecauseContentNamesItself(BtfsNodeSimulator sim) throws IOException {
    byte[] bytes = content(14, 1000);
    try (BtfsTier tier = BTFS.tier("btfs")) {
      Locator first = tier.writeNew("k", new ByteArrayInputStream(bytes), bytes.length);
      Locator again = tier.writeNew("other-key", new ByteArrayInputStream(bytes), bytes.length);
      assertEquals(first, again, "the same content, the same locator: nothing to conflict over");
      assertArrayEquals(bytes, read(tier, again, 0, -1));
    }
  }

  @Test
  void aLengthPastTheEndReadsToTheEndOnEveryPath(BtfsNodeSimulator sim) throws IOException {
    byte[] bytes = content(13, CHUNK + 77);
    Locator where;
    try (BtfsTier tier = BTFS.tier("btfs")) {
      where = write(tier, bytes);
      assertArrayEquals(
          Arrays.copyOfRange(bytes, 5, bytes.length), read(tier, where, 5, Long.MAX_VALUE));
    }
    try (BtfsTier gatewayOnly =
            BtfsTier.builder().id("btfs").apiUrl(deadUrl()).gatewayUrl(sim.gatewayUrl()).build();
        BtfsTier trustless = BTFS.tierBuilder("btfs").trustless(true).build()) {
      assertArrayEquals(
          Arrays.copyOfRange(bytes, 9, bytes.length), read(gatewayOnly, where, 9, Long.MAX_VALUE));
      assertArrayEquals(
          Arrays.copyOfRange(bytes, 3, bytes.length), read(trustless, where, 3, Long.MAX_VALUE));
    }
  }

  @Test
  void anEmptyFileReadsEmptyThroughEveryPath(BtfsNodeSimulator sim) throws IOException {
    Locator where;
    try (BtfsTier tier = BTFS.tier("btfs")) {
      where = write(tier, new byte[0]);
      assertEquals(
          "btfs://bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
          where.uri().toString());
      assertArrayEquals(new byte[0], read(tier, where, 0, -1));
    }
    try (BtfsTier gatewayOnly =
            BtfsTier.builder().id("btfs").apiUrl(deadUrl()).gatewayUrl(sim.gatewayUrl()).build();
        BtfsTier trustless = BTFS.tierBuilder("btfs").trustless(true).build()) {
      assertArrayEquals(new byte[0], read(gatewayOnly, where, 0, -1));
      assertArrayEquals(new byte[0], read(trustless, where, 0, -1));
    }
  }

  @Test
  void writesStreamBigObjectsWithoutHoldingThem(BtfsNodeSimulator sim) throws IOException {
    // More than the whole heap, unless HttpClient logs every byte on the wire (a logging set-up
    // without a config file defaults to DEBUG): then a smaller object keeps the test quick.
    boolean wireLogged =
        org.slf4j.LoggerFactory.getLogger("org.apache.hc.client5.http.wire").isDebugEnabled();
    long size = (wireLogged ? 64L << 20 : Runtime.getRuntime().maxMemory()) + 3L * CHUNK + 5;
    try (BtfsTier tier = BTFS.tier("btfs")) {
      // the tier checks the node's CID against its own, so the write succeeding proves both agree
      Locator where = tier.write("big.bin", new ZeroStream(size), size);
      assertEquals(Optional.of(size), tier.stat(where).map(i -> i.size()));
      try (InputStream in = tier.read(where, size - 10, -1)) {
        assertArrayEquals(new byte[10], in.readAllBytes());
      }
    }
  }

  /** {@code size} zero bytes, made on the fly. */
  private static final class ZeroStream extends InputStream {
    private long left;

    ZeroStream(long size) {
      this.left = size;
    }

    @Override
    public int read() {
      return left-- > 0 ? 0 : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (left <= 0) {
        return -1;
      }
      int n = (int) Math.min(len, left);
      Arrays.fill(b, off, off + n, (byte) 0);
      left -= n;
      return n;
    }
  }

  @Test
  void oneTierServesManyThreadsAtOnce() throws Exception {
    byte[] bytes = content(18, 4 * CHUNK + 321);
    try (BtfsTier tier = BTFS.tier("btfs");
        BtfsTier trustless = BTFS.tierBuilder("t").trustless(true).build()) {
      Locator where = write(tier, bytes);
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newFixedThreadPool(8);
      try {
        List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
        for (int i = 0; i < 32; i++) {
          int seed = i;
          results.add(
              pool.submit(
                  () -> {
                    Random r = new Random(seed);
                    int from = r.nextInt(bytes.length);
                    int len = r.nextInt(bytes.length - from + 1);
                    StorageTier t = seed % 2 == 0 ? tier : trustless;
                    return Arrays.equals(
                        Arrays.copyOfRange(bytes, from, from + len), read(t, where, from, len));
                  }));
        }
        for (java.util.concurrent.Future<Boolean> f : results) {
          assertTrue(f.get(60, java.util.concurrent.TimeUnit.SECONDS));
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void deleteUnpinsAndIsANoOpTheSecondTime(BtfsNodeSimulator sim) throws IOException {
    try (BtfsTier tier = BTFS.tier("btfs")) {
      Locator where = write(tier, content(13, 100));
      Cid cid = BtfsTier.cidOf(where);
      tier.delete(where);
      assertFalse(sim.isPinned(cid));
      assertFalse(tier.isPinned(cid));
      tier.delete(where);
      tier.pin(cid);
      assertTrue(sim.isPinned(cid));
    }
  }

  @Test
  void paidStoragePollsUntilComplete(BtfsNodeSimulator sim) throws IOException {
    try (BtfsTier tier =
        BTFS.tierBuilder("btfs")
            .storagePolling(Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofSeconds(20))
            .build()) {
      Cid cid = BtfsTier.cidOf(write(tier, content(14, 10_000)));
      StorageUploadResult result = tier.storageUpload(cid, 3, 30);
      assertEquals("complete", result.status());
      assertNotNull(result.sessionId());
      assertEquals(3, result.hosts().size());
      assertEquals(3, result.shards().size());
      assertTrue(
          result.shards().stream()
              .allMatch(s -> !s.contractId().isEmpty() && "UPLOADED".equals(s.contractStatus())));
      assertEquals(cid.toString(), result.fileHash());
      assertTrue(sim.requestCount("storage/upload/status") >= 5, "polled until complete");
    }
  }

  @Test
  void paidStorageWithoutEnoughHostsEndsInATypedError(BtfsNodeSimulator sim) throws IOException {
    try (BtfsTier tier =
        BTFS.tierBuilder("btfs")
            .storagePolling(Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofSeconds(20))
            .build()) {
      Cid cid = BtfsTier.cidOf(write(tier, content(15, 10_000)));
      sim.storageHosts(1);
      PaidStorageException e =
          assertThrows(PaidStorageException.class, () -> tier.storageUpload(cid, 3, 30));
      assertEquals(PaidStorageException.Reason.NO_HOSTS, e.reason());
      assertNotNull(e.sessionId());
      sim.storageHosts(10).simpleMode(true);
      PaidStorageException simple =
          assertThrows(PaidStorageException.class, () -> tier.storageUpload(cid, 3, 30));
      assertEquals(PaidStorageException.Reason.SIMPLE_MODE, simple.reason());
    }
  }

  @Test
  void theSimulatorKeepsItsBlocksInItsDirectory(@TempDir Path dir) throws IOException {
    byte[] bytes = content(16, CHUNK * 2);
    Locator where;
    try (BtfsNodeSimulator first = BtfsNodeSimulator.start(dir);
        BtfsTier tier = BtfsTier.builder().id("btfs").apiUrl(first.apiUrl()).build()) {
      where = write(tier, bytes);
    }
    try (BtfsNodeSimulator second = BtfsNodeSimulator.start(dir);
        BtfsTier tier = BtfsTier.builder().id("btfs").apiUrl(second.apiUrl()).build()) {
      assertArrayEquals(bytes, read(tier, where, 0, -1));
      assertTrue(tier.isPinned(BtfsTier.cidOf(where)));
    }
  }

  @Test
  void theSimulatorAnswersLikeANodeToWrongRequests(BtfsNodeSimulator sim) throws IOException {
    HttpURLConnection get =
        (HttpURLConnection) sim.apiUrl().resolve("/api/v1/version").toURL().openConnection();
    assertEquals(405, get.getResponseCode(), "RPCs are POST only");
    HttpURLConnection post =
        (HttpURLConnection) sim.apiUrl().resolve("/api/v1/version").toURL().openConnection();
    post.setRequestMethod("POST");
    post.setRequestProperty("User-Agent", "cli /go-btfs/2.3.5");
    assertEquals(403, post.getResponseCode(), "a /go-btfs/ agent is refused");
    HttpURLConnection ipfsPath =
        (HttpURLConnection)
            sim.apiUrl()
                .resolve(
                    "/api/v1/files/stat?arg=/ipfs/bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e")
                .toURL()
                .openConnection();
    ipfsPath.setRequestMethod("POST");
    assertEquals(500, ipfsPath.getResponseCode(), "/ipfs/ paths are refused");
  }

  @Test
  void theFactoryBuildsATierFromConfiguration(BtfsNodeSimulator sim) throws IOException {
    StorageTierFactory factory = StorageTierFactory.forType("btfs");
    assertEquals(factory.getClass(), StorageTierFactory.forScheme("btfs").orElseThrow().getClass());
    TierSpec spec =
        new TierSpec(
            "btfs",
            "btfs",
            TierKind.BTFS,
            Optional.of("eu-west-1"),
            Map.of(
                "api",
                sim.apiUrl().toString(),
                "gateway",
                sim.gatewayUrl().toString(),
                "timeout",
                "2s"));
    byte[] bytes = content(17, 1234);
    try (StorageTier tier = factory.create(spec)) {
      assertEquals(TierKind.BTFS, tier.kind());
      assertEquals(Optional.of("eu-west-1"), tier.region());
      Locator where = tier.write("k", new ByteArrayInputStream(bytes), bytes.length);
      assertArrayEquals(bytes, read(tier, where, 0, -1));
    }
  }
}
