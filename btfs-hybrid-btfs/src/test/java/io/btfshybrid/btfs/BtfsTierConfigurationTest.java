package io.btfshybrid.btfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.Locator;
import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.StorageTierFactory;
import io.btfshybrid.api.TierKind;
import io.btfshybrid.api.TierSpec;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Building tiers from code and from configuration; locators; the bad values named in errors. */
class BtfsTierConfigurationTest {
  private static TierSpec spec(Map<String, String> settings) {
    return new TierSpec("btfs", "btfs", TierKind.BTFS, Optional.empty(), settings);
  }

  @Test
  void theFactoryIsFoundByTypeAndScheme() {
    assertInstanceOf(BtfsTierFactory.class, StorageTierFactory.forType("btfs"));
    assertInstanceOf(BtfsTierFactory.class, StorageTierFactory.forScheme("btfs").orElseThrow());
  }

  @Test
  void theFactoryReadsEverySetting() throws Exception {
    try (StorageTier tier =
        new BtfsTierFactory()
            .create(
                spec(
                    Map.of(
                        "api", "http://127.0.0.1:5001",
                        "gateway", "http://127.0.0.1:8080",
                        "apiPrefix", "/api/v0",
                        "timeout", "1500ms",
                        "trustless", "true")))) {
      BtfsTier btfs = (BtfsTier) tier;
      assertEquals("btfs", btfs.id());
      assertEquals(TierKind.BTFS, btfs.kind());
      assertTrue(btfs.trustless());
      assertEquals(
          Optional.empty(), btfs.locate("blobs/abc"), "content-addressed: no key locators");
    }
  }

  @Test
  void theFactoryNamesBadSettings() {
    IllegalArgumentException noApi =
        assertThrows(
            IllegalArgumentException.class, () -> new BtfsTierFactory().create(spec(Map.of())));
    assertTrue(noApi.getMessage().contains("'api'"), noApi.getMessage());
    IllegalArgumentException badTimeout =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new BtfsTierFactory().create(spec(Map.of("api", "http://h:1", "timeout", "soon"))));
    assertTrue(badTimeout.getMessage().contains("'soon'"), badTimeout.getMessage());
    IllegalArgumentException badApi =
        assertThrows(
            IllegalArgumentException.class,
            () -> new BtfsTierFactory().create(spec(Map.of("api", "ftp://h:1"))));
    assertTrue(badApi.getMessage().contains("ftp://h:1"), badApi.getMessage());
    IllegalArgumentException wrongKind =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new BtfsTierFactory()
                    .create(
                        new TierSpec(
                            "x",
                            "btfs",
                            TierKind.CLOUD,
                            Optional.empty(),
                            Map.of("api", "http://h:1"))));
    assertTrue(wrongKind.getMessage().contains("CLOUD"), wrongKind.getMessage());
  }

  @Test
  void durationsInTheOneGrammarOfTheProject() throws Exception {
    for (String accepted : new String[] {"30s", "1500ms", "PT2M", "1d", "12h"}) {
      try (StorageTier tier =
          new BtfsTierFactory()
              .create(
                  spec(
                      Map.of(
                          "api", "http://127.0.0.1:5001",
                          "timeout", accepted,
                          "stallTimeout", accepted)))) {
        assertEquals("btfs", tier.id(), accepted);
      }
    }
    // bare numbers were BTFS-only; the project's grammar (Durations) wants a unit
    for (String refused : new String[] {"7", "soon", "-5s"}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  new BtfsTierFactory()
                      .create(spec(Map.of("api", "http://h:1", "stallTimeout", refused))));
      assertTrue(e.getMessage().contains("'" + refused + "'"), e.getMessage());
      assertTrue(e.getMessage().contains("stallTimeout"), e.getMessage());
    }
    assertEquals("30s", GoDuration.format(Duration.ofSeconds(30)));
    assertEquals("1500ms", GoDuration.format(Duration.ofMillis(1500)));
  }

  @Test
  void theBuilderNamesWhatIsMissingOrWrong() {
    assertThrows(
        IllegalArgumentException.class,
        () -> BtfsTier.builder().apiUrl(URI.create("http://h:1")).build());
    IllegalArgumentException noApi =
        assertThrows(IllegalArgumentException.class, () -> BtfsTier.builder().id("b").build());
    assertTrue(noApi.getMessage().contains("apiUrl"), noApi.getMessage());
    IllegalArgumentException zero =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                BtfsTier.builder()
                    .id("b")
                    .apiUrl(URI.create("http://h:1"))
                    .requestTimeout(Duration.ZERO)
                    .build());
    assertTrue(zero.getMessage().contains("PT0S"), zero.getMessage());
  }

  @Test
  void locatorsNameContentByCid() {
    try (BtfsTier tier =
        BtfsTier.builder().id("b").apiUrl(URI.create("http://127.0.0.1:1")).build()) {
      Cid cid = Cid.parse("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e");
      Locator where = tier.locator(cid);
      assertEquals(URI.create("btfs://" + cid), where.uri());
      assertEquals(cid, BtfsTier.cidOf(where));
      IllegalArgumentException s3 =
          assertThrows(
              IllegalArgumentException.class,
              () -> BtfsTier.cidOf(new Locator("b", URI.create("s3://bucket/key"))));
      assertTrue(s3.getMessage().contains("s3://bucket/key"), s3.getMessage());
      IllegalArgumentException notCid =
          assertThrows(
              IllegalArgumentException.class,
              () -> BtfsTier.cidOf(new Locator("b", URI.create("btfs://xyz"))));
      assertTrue(notCid.getMessage().contains("'xyz'"), notCid.getMessage());
    }
  }

  @Test
  void anotherTiersLocatorIsAnObjectThisTierDoesNotHold() throws Exception {
    try (BtfsTier tier =
        BtfsTier.builder().id("b").apiUrl(URI.create("http://127.0.0.1:1")).build()) {
      Locator foreign = new Locator("s3", URI.create("s3://bucket/key"));
      io.btfshybrid.api.ObjectNotFoundException e =
          assertThrows(
              io.btfshybrid.api.ObjectNotFoundException.class, () -> tier.read(foreign, 0, -1));
      assertEquals(foreign, e.locator());
      assertEquals(Optional.empty(), tier.stat(foreign));
      tier.delete(foreign); // a missing object: no-op, and no call to the (dead) node
      IllegalArgumentException own =
          assertThrows(
              IllegalArgumentException.class,
              () -> tier.read(new Locator("b", URI.create("s3://bucket/key")), 0, -1));
      assertTrue(own.getMessage().contains("s3://bucket/key"), own.getMessage());
      assertThrows(
          IllegalArgumentException.class,
          () -> tier.read(tier.locator(Cid.parse(CID_TEXT)), -1, 10),
          "a negative offset is refused before any call");
    }
  }

  private static final String CID_TEXT =
      "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e";

  @Test
  void aNodeThatCannotBeReachedIsANodeErrorNamingIt() throws Exception {
    URI dead;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      dead = URI.create("http://127.0.0.1:" + s.getLocalPort());
    }
    try (BtfsTier tier = BtfsTier.builder().id("b").apiUrl(dead).build()) {
      Locator where =
          tier.locator(Cid.parse("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e"));
      BtfsNodeException e = assertThrows(BtfsNodeException.class, () -> tier.read(where, 0, -1));
      assertEquals(0, e.httpStatus());
      assertTrue(e.getMessage().contains(dead.getAuthority()), e.getMessage());
    }
  }

  @Test
  void theUserAgentIsNeverGoBtfs() {
    assertFalse(BtfsRpc.USER_AGENT.contains("/go-btfs/"));
  }

  @Test
  void addFileNamesAreSafe() {
    assertEquals("shard-0001.bin", MultipartAddEntity.safeFileName("blobs/x/shard-0001.bin"));
    assertEquals("a_b_c", MultipartAddEntity.safeFileName("a\"b\r\nc".replace("\r\n", "_")));
    assertEquals("object", MultipartAddEntity.safeFileName("dir/"));
  }

  @Test
  void readParallelismAndReadAheadMustBePositiveAndAreNamedWhenNot() {
    BtfsTier.Builder b = BtfsTier.builder().id("b").apiUrl(URI.create("http://127.0.0.1:5001"));
    IllegalArgumentException parallelism =
        assertThrows(IllegalArgumentException.class, () -> b.readParallelism(0).build());
    assertTrue(parallelism.getMessage().contains("readParallelism must be >= 1, got 0"));
    b.readParallelism(1);
    IllegalArgumentException ahead =
        assertThrows(IllegalArgumentException.class, () -> b.readAheadBytes(-5).build());
    assertTrue(ahead.getMessage().contains("readAheadBytes must be >= 1, got -5"));
  }
}
