package io.btfshybrid.btfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.HybridStorageException;
import io.btfshybrid.api.Locator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 9 on the BTFS tier: every reply has a deadline on progress, closing never drains, and every
 * reply is bounded before it is parsed — against a hostile node on 127.0.0.1. Each test is guarded
 * by a generous 30 s hang limit: without the fix it hangs (or dies of an Error) instead.
 */
class HostileRepliesTest {
  private static final Duration HANG_GUARD = Duration.ofSeconds(30);
  private static final byte[] HELLO = "hello, hostile world".getBytes(StandardCharsets.UTF_8);
  private static final Cid CID = cid(HELLO);

  private static Cid cid(byte[] bytes) {
    try {
      return Cid.compute(new ByteArrayInputStream(bytes), CidProfile.V1_RAW);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static Map<String, MisbehavingNode.Answer> rules(Object... pathsAndAnswers) {
    Map<String, MisbehavingNode.Answer> rules = new LinkedHashMap<>();
    for (int i = 0; i < pathsAndAnswers.length; i += 2) {
      rules.put((String) pathsAndAnswers[i], (MisbehavingNode.Answer) pathsAndAnswers[i + 1]);
    }
    return rules;
  }

  private static BtfsTier.Builder tier(URI api) {
    return BtfsTier.builder().id("hostile").apiUrl(api).requestTimeout(Duration.ofSeconds(2));
  }

  @Test
  void aBodyDrippingAByteEvery500MillisIsAbandonedAfterTheStallTimeout() throws Exception {
    try (MisbehavingNode node =
            new MisbehavingNode(rules("/api/v1/cat", MisbehavingNode.dripping(500)));
        BtfsTier tier =
            tier(node.url())
                .requestTimeout(Duration.ofSeconds(30)) // the socket alone would wait 45 s
                .stallTimeout(Duration.ofSeconds(3))
                .build()) {
      Locator where = tier.locator(CID);
      BtfsStalledException e =
          assertTimeoutPreemptively(
              HANG_GUARD,
              () ->
                  assertThrows(
                      BtfsStalledException.class,
                      () -> {
                        try (InputStream in = tier.read(where, 0, -1)) {
                          in.readAllBytes();
                        }
                      }));
      assertEquals("hostile", e.tierId());
      assertTrue(e.getMessage().contains(CID.toString()), e.getMessage());
      assertTrue(e.getMessage().contains("'hostile'"), e.getMessage());
    }
    assertEquals(0, watchdogThreads(), "a closed tier leaves no watchdog thread behind");
  }

  private static long watchdogThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().equals("btfs-stall-watchdog-hostile"))
        .count();
  }

  @Test
  void closingAPartlyReadEndlessBodyDoesNotDownloadTheRest() throws Exception {
    try (MisbehavingNode node =
            new MisbehavingNode(rules("/api/v1/cat", MisbehavingNode.endless(200, "a")));
        BtfsTier tier = tier(node.url()).build()) {
      Locator where = tier.locator(CID);
      byte[] first =
          assertTimeoutPreemptively(
              HANG_GUARD,
              () -> {
                try (InputStream in = tier.read(where, 0, -1)) {
                  return in.readNBytes(1024);
                }
              });
      assertEquals("a".repeat(1024), new String(first, StandardCharsets.US_ASCII));
    }
  }

  @Test
  void statAgainstAnEndless500FailsTypedInsteadOfDrainingIt() throws Exception {
    try (MisbehavingNode node =
            new MisbehavingNode(
                rules("/api/v1/block/stat", MisbehavingNode.endless(500, "internal error ")));
        BtfsTier tier = tier(node.url()).build()) {
      BtfsNodeException e =
          assertTimeoutPreemptively(
              HANG_GUARD,
              () -> assertThrows(BtfsNodeException.class, () -> tier.stat(tier.locator(CID))));
      assertEquals(500, e.httpStatus());
      assertEquals("block/stat", e.command());
      assertTrue(e.getMessage().length() < 4096, "the error message is cut short");
    }
  }

  @Test
  void anEndlessErrorFromTheApiStillLetsTheGatewayServeTheExactBytes() throws Exception {
    try (MisbehavingNode node =
            new MisbehavingNode(
                rules(
                    "/api/v1/cat",
                    MisbehavingNode.endless(500, "no "),
                    "/btfs/",
                    MisbehavingNode.ok(new String(HELLO, StandardCharsets.UTF_8))));
        BtfsTier tier = tier(node.url()).gatewayUrl(node.url()).build()) {
      byte[] read =
          assertTimeoutPreemptively(
              HANG_GUARD,
              () -> {
                try (InputStream in = tier.read(tier.locator(CID), 0, -1)) {
                  return in.readAllBytes();
                }
              });
      assertArrayEquals(HELLO, read);
    }
  }

  @Test
  void anEndlessGatewayErrorIsNotDrained() throws Exception {
    try (MisbehavingNode node =
            new MisbehavingNode(rules("/btfs/", MisbehavingNode.endless(404, "missing ")));
        BtfsTier tier = tier(node.url()).gatewayUrl(node.url()).build()) {
      HybridStorageException e =
          assertTimeoutPreemptively(
              HANG_GUARD,
              () ->
                  assertThrows(
                      HybridStorageException.class, () -> tier.read(tier.locator(CID), 0, -1)));
      assertEquals(1, e.getSuppressed().length, "the gateway's failure is attached");
    }
  }

  @Test
  void anEndlessCarStreamIsAbandonedForBlocksOneByOne() throws Exception {
    try (MisbehavingNode node =
            new MisbehavingNode(
                rules(
                    "/api/v1/dag/export",
                    MisbehavingNode.endless(200, "\u0001garbage"),
                    "/api/v1/block/get",
                    MisbehavingNode.ok(new String(HELLO, StandardCharsets.UTF_8))));
        BtfsTier tier = tier(node.url()).trustless(true).build()) {
      byte[] read =
          assertTimeoutPreemptively(
              HANG_GUARD,
              () -> {
                try (InputStream in = tier.read(tier.locator(CID), 0, -1)) {
                  return in.readAllBytes();
                }
              });
      assertArrayEquals(HELLO, read, "the verified block, after abandoning the CAR");
    }
  }

  @Test
  void anAddAnswerThatIsOneEndlessLineIsANodeError() throws Exception {
    try (MisbehavingNode node =
            new MisbehavingNode(
                rules("/api/v1/add", MisbehavingNode.endless(200, "{\"Name\":\"aaaaaaaa")));
        BtfsTier tier = tier(node.url()).build()) {
      BtfsNodeException e =
          assertTimeoutPreemptively(
              HANG_GUARD,
              () ->
                  assertThrows(
                      BtfsNodeException.class,
                      () -> tier.write("k", new ByteArrayInputStream(HELLO), HELLO.length)));
      assertEquals("add", e.command());
      assertTrue(e.getMessage().contains("longer than"), e.getMessage());
    }
  }

  @Test
  void aTwentyMegabyteStatReplyIsANodeErrorNotAnError() throws Exception {
    String huge = "[" + "{},".repeat(7 << 20) + "{}]";
    try (MisbehavingNode node =
            new MisbehavingNode(rules("/api/v1/block/stat", MisbehavingNode.ok(huge)));
        BtfsTier tier = tier(node.url()).build()) {
      BtfsNodeException e =
          assertTimeoutPreemptively(
              HANG_GUARD,
              () -> assertThrows(BtfsNodeException.class, () -> tier.stat(tier.locator(CID))));
      assertTrue(e.getMessage().contains("larger than"), e.getMessage());
    }
  }

  @Test
  void aDeeplyNestedStatReplyIsANodeErrorNotAStackOverflow() throws Exception {
    String deep = "[".repeat(5000) + "]".repeat(5000);
    try (MisbehavingNode node =
            new MisbehavingNode(rules("/api/v1/block/stat", MisbehavingNode.ok(deep)));
        BtfsTier tier = tier(node.url()).build()) {
      BtfsNodeException e =
          assertTimeoutPreemptively(
              HANG_GUARD,
              () -> assertThrows(BtfsNodeException.class, () -> tier.stat(tier.locator(CID))));
      assertTrue(e.getMessage().contains("unreadable answer"), e.getMessage());
    }
  }
}
