package io.btfshybrid.btfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectNotFoundException;
import io.btfshybrid.testkit.IpfsNode;
import io.btfshybrid.testkit.IpfsNodeExtension;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * BtfsTier against a real IPFS node (js-ipfs, started by {@link IpfsNodeExtension}) through its
 * /api/v0 RPC API and gateway: the node's CIDs are ours, reads are exact, pins behave, and missing
 * content fails typed within the configured limit. It lives in the testkit, which starts the node,
 * but in the btfs package, to compare the node's CAR with the one {@code Car} writes.
 */
@ExtendWith(IpfsNodeExtension.class)
class BtfsTierAgainstIpfsNodeTest {
  private static final int CHUNK = CidProfile.CHUNK_SIZE;
  private static final Duration LIMIT = Duration.ofSeconds(1);
  private static final byte[] CONTENT = content(4242, 3 * CHUNK + 777);

  private static BtfsTier tier;

  private static byte[] content(long seed, int size) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static BtfsTier trustless;
  private static Locator stored;

  @BeforeAll
  static void writeContent(IpfsNode node) throws IOException {
    tier = tierOn(node.apiUrl(), null).build();
    trustless = tierOn(node.apiUrl(), null).id("ipfs-trustless").trustless(true).build();
    stored =
        tier.write("datasets/shard-0001.bin", new ByteArrayInputStream(CONTENT), CONTENT.length);
  }

  @AfterAll
  static void closeTiers() throws IOException {
    tier.close();
    trustless.close();
  }

  private static BtfsTier.Builder tierOn(URI api, URI gateway) {
    BtfsTier.Builder b =
        BtfsTier.builder().id("ipfs").apiUrl(api).apiPrefix("/api/v0").requestTimeout(LIMIT);
    return gateway == null ? b : b.gatewayUrl(gateway);
  }

  private static byte[] read(BtfsTier t, Locator where, long offset, long length)
      throws IOException {
    try (InputStream in = t.read(where, offset, length)) {
      return in.readAllBytes();
    }
  }

  @Test
  void theNodesRootCidIsTheLocallyComputedOne() throws IOException {
    Cid expected = Cid.compute(new ByteArrayInputStream(CONTENT), CidProfile.V1_RAW);
    assertEquals(URI.create("btfs://" + expected), stored.uri());
    assertEquals("ipfs", stored.tierId());
  }

  @Test
  void cidv0AddsAgreeToo(IpfsNode node) throws IOException {
    byte[] other = content(99, CHUNK + 5);
    try (BtfsTier v0 = tierOn(node.apiUrl(), null).cidProfile(CidProfile.V0).build()) {
      Locator where = v0.write("v0.bin", new ByteArrayInputStream(other), other.length);
      Cid cid = BtfsTier.cidOf(where);
      assertEquals(0, cid.version());
      assertEquals(Cid.compute(new ByteArrayInputStream(other), CidProfile.V0), cid);
      assertArrayEquals(other, read(v0, where, 0, -1));
    }
  }

  @Test
  void catReadsWholeAndRanges() throws IOException {
    assertArrayEquals(CONTENT, read(tier, stored, 0, -1));
    long[][] ranges = {
      {0, 1}, {CHUNK - 3, 10}, {2L * CHUNK + 1, CHUNK}, {CONTENT.length - 5, -1}, {100, 0}
    };
    for (long[] r : ranges) {
      int to = r[1] < 0 ? CONTENT.length : (int) (r[0] + r[1]);
      assertArrayEquals(
          Arrays.copyOfRange(CONTENT, (int) r[0], to),
          read(tier, stored, r[0], r[1]),
          Arrays.toString(r));
    }
  }

  @Test
  void trustlessReadsRebuildTheBytesFromVerifiedBlocks() throws IOException {
    assertArrayEquals(CONTENT, read(trustless, stored, 0, -1));
    assertArrayEquals(
        Arrays.copyOfRange(CONTENT, CHUNK - 10, 2 * CHUNK + 10),
        read(trustless, stored, CHUNK - 10, CHUNK + 20));
    Cid root = BtfsTier.cidOf(stored);
    byte[] rootBlock = tier.blockGet(root);
    assertTrue(root.matches(rootBlock));
    assertEquals(Cid.DAG_PB, root.codec());
    assertEquals(Optional.of((long) CONTENT.length), trustless.stat(stored).map(i -> i.size()));
  }

  @Test
  void theNodesDagExportIsTheCarWeWriteAndFeedsTheReaderAlone(IpfsNode node) throws IOException {
    Cid root = BtfsTier.cidOf(stored);
    HttpURLConnection c =
        (HttpURLConnection)
            node.apiUrl().resolve("/api/v0/dag/export?arg=" + root).toURL().openConnection();
    c.setRequestMethod("POST");
    assertEquals(200, c.getResponseCode());
    byte[] nodeCar;
    try (InputStream in = c.getInputStream()) {
      nodeCar = in.readAllBytes();
    }
    ByteArrayOutputStream ours = new ByteArrayOutputStream();
    Car.export(tier::blockGet, root, ours);
    assertArrayEquals(
        ours.toByteArray(), nodeCar, "the same header, blocks and order as dag/export");
    CarBlockSource source =
        new CarBlockSource(
            new ByteArrayInputStream(nodeCar),
            () -> {},
            cid -> {
              throw new AssertionError("the CAR should have held " + cid);
            });
    try (InputStream in = new UnixFsReader(source, root, 0, -1, "ipfs", source)) {
      assertArrayEquals(CONTENT, in.readAllBytes());
    }
  }

  @Test
  void statReportsTheSize() throws IOException {
    assertEquals(CONTENT.length, tier.stat(stored).orElseThrow().size());
    byte[] small = "hello world".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    Locator raw = tier.write("hw", new ByteArrayInputStream(small), small.length);
    assertEquals(
        "btfs://bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e", raw.uri().toString());
    assertEquals(11, tier.stat(raw).orElseThrow().size());
  }

  @Test
  void pinUnpinAndPinAgain() throws IOException {
    byte[] other = content(7, 1000);
    Locator where = tier.write("pins.bin", new ByteArrayInputStream(other), other.length);
    Cid cid = BtfsTier.cidOf(where);
    assertTrue(tier.isPinned(cid), "add pins");
    tier.delete(where);
    assertFalse(tier.isPinned(cid), "delete unpins");
    tier.delete(where);
    assertFalse(tier.unpin(cid), "unpinning what is not pinned is a no-op");
    tier.pin(cid);
    assertTrue(tier.isPinned(cid));
  }

  @Test
  void missingContentFailsTypedWithinTheLimit() throws IOException {
    Cid missing = Cid.compute(new ByteArrayInputStream(content(31337, 64)), CidProfile.V1_RAW);
    Locator where = tier.locator(missing);
    for (BtfsTier t : new BtfsTier[] {tier, trustless}) {
      long start = System.nanoTime();
      ObjectNotFoundException e =
          assertThrows(ObjectNotFoundException.class, () -> read(t, where, 0, -1), t.toString());
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertTrue(e instanceof BtfsContentUnavailableException, e.toString());
      assertTrue(took.compareTo(LIMIT.multipliedBy(3)) < 0, "gave up after " + took);
    }
    assertEquals(Optional.empty(), tier.stat(where));
    assertThrows(BtfsContentUnavailableException.class, () -> tier.blockGet(missing));
  }

  @Test
  void readsFallBackToTheGatewayWhenTheApiIsDown(IpfsNode node) throws IOException {
    URI deadApi;
    try (ServerSocket s = new ServerSocket(0)) {
      deadApi = URI.create("http://127.0.0.1:" + s.getLocalPort());
    }
    try (BtfsTier viaGateway = tierOn(deadApi, node.gatewayUrl()).build()) {
      assertArrayEquals(CONTENT, read(viaGateway, stored, 0, -1));
      assertArrayEquals(
          Arrays.copyOfRange(CONTENT, CHUNK + 1, CHUNK + 4001),
          read(viaGateway, stored, CHUNK + 1, 4000));
    }
  }
}
