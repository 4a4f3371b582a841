package io.btfshybrid.testkit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.btfshybrid.api.HybridStorageException;
import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectInfo;
import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.TierKind;
import io.btfshybrid.api.UnsupportedListingException;
import io.btfshybrid.btfs.BtfsTier;
import io.btfshybrid.core.FileTier;
import io.btfshybrid.s3.S3Tier;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link StorageTier#list} on every tier, and listings that are hostile or oversized. */
class TierListingTest {
  @TempDir Path dir;
  private WireMockServer wiremock;

  @BeforeEach
  void startWireMock() {
    wiremock =
        new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
    wiremock.start();
  }

  @AfterEach
  void stopWireMock() {
    wiremock.stop();
  }

  private static void put(StorageTier tier, String key, String text) throws IOException {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    tier.write(key, new ByteArrayInputStream(b), b.length);
  }

  private static List<String> paths(List<ObjectInfo> listed) {
    return listed.stream().map(o -> o.locator().uri().getPath()).toList();
  }

  @Test
  void aTierWithoutListingSaysSoNamingItself() {
    StorageTier bare =
        new StorageTier() {
          @Override
          public String id() {
            return "bare";
          }

          @Override
          public TierKind kind() {
            return TierKind.CLOUD;
          }

          @Override
          public InputStream read(Locator where, long offset, long length) {
            throw new UnsupportedOperationException();
          }

          @Override
          public Locator write(String key, InputStream bytes, long size) {
            throw new UnsupportedOperationException();
          }

          @Override
          public Optional<ObjectInfo> stat(Locator where) {
            return Optional.empty();
          }

          @Override
          public void delete(Locator where) {}
        };
    UnsupportedListingException e =
        assertThrows(UnsupportedListingException.class, () -> bare.list(""));
    assertEquals("bare", e.tierId());
    assertTrue(e.getMessage().contains("'bare'"), e.getMessage());
  }

  @Test
  void fileTierListsKeysUnderThePrefixInOrderSkippingTempFiles() throws IOException {
    FileTier tier = FileTier.builder().id("f").root(dir.resolve("root")).build();
    put(tier, "manifests/ds/2.json", "two");
    put(tier, "manifests/ds/1.json", "one!");
    put(tier, "manifests/dx/1.json", "x");
    put(tier, "blobs/abc", "blob");
    Files.writeString(dir.resolve("root/manifests/ds/.1.json.123.tmp"), "partial");

    List<ObjectInfo> ds = tier.list("manifests/ds/");
    assertEquals(List.of("1.json", "2.json"), ds.stream().map(this::name).toList());
    assertEquals(4, ds.get(0).size());
    assertTrue(ds.get(0).lastModified().isPresent());
    assertEquals(3, tier.list("manifests/d").size());
    assertEquals(4, tier.list("").size());
    assertEquals(List.of(), tier.list("nothing/here/"));
    assertEquals(tier.locate("blobs/abc").orElseThrow(), tier.list("blobs/").get(0).locator());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> tier.list("../outside/"));
    assertTrue(e.getMessage().contains("'../outside/'"), e.getMessage());
  }

  private String name(ObjectInfo o) {
    return Path.of(o.locator().uri()).getFileName().toString();
  }

  @Test
  void inMemoryAndFaultInjectingTiersListAndFaultsApply() throws IOException {
    InMemoryTier mem = InMemoryTier.of("mem", TierKind.REPLICA);
    mem.put("a/1", new byte[10]);
    mem.put("a/2", new byte[20]);
    mem.put("b/1", new byte[30]);
    assertEquals(List.of("/a/1", "/a/2"), paths(mem.list("a/")));
    assertEquals(20, mem.list("a/").get(1).size());

    FaultInjectingTier faulty = FaultInjectingTier.wrap(mem).vanish("a/1").truncateAfter("a/2", 5);
    List<ObjectInfo> listed = faulty.list("a/");
    assertEquals(List.of("/a/2"), paths(listed));
    assertEquals(5, listed.get(0).size());

    faulty.unavailable(1);
    HybridStorageException storm =
        assertThrows(HybridStorageException.class, () -> faulty.list(""));
    assertTrue(storm.getMessage().contains("503"), storm.getMessage());
    assertEquals(2, faulty.list("").size(), "the storm was one answer long");

    faulty.failReads();
    IOException failed = assertThrows(IOException.class, () -> faulty.list("b/"));
    assertTrue(failed.getMessage().contains("listing 'b/'"), failed.getMessage());
  }

  @Test
  void btfsTierListsWhatTheNodeHoldsPinned() throws IOException {
    try (BtfsNodeSimulator node = BtfsNodeSimulator.start(dir.resolve("node"));
        BtfsTier btfs =
            BtfsTier.builder()
                .id("btfs")
                .apiUrl(node.apiUrl())
                .requestTimeout(Duration.ofSeconds(2))
                .build()) {
      byte[] big = TestDatasets.randomBytes(5, 300_000);
      Locator a = btfs.write("blobs/a", new ByteArrayInputStream(big), big.length);
      put(btfs, "manifests/ds/1.json", "a manifest");
      Locator c = btfs.write("blobs/c", new ByteArrayInputStream(new byte[] {7}), 1);

      List<ObjectInfo> pinned = btfs.list("whatever/");
      assertEquals(3, pinned.size());
      assertEquals(
          big.length,
          pinned.stream().filter(o -> o.locator().equals(a)).findFirst().orElseThrow().size());

      btfs.delete(c);
      assertEquals(2, btfs.list("").size());
      assertTrue(btfs.list("").stream().noneMatch(o -> o.locator().equals(c)));
    }
  }

  @Test
  void anOversizedOrForgedPinListingIsATypedError() throws IOException {
    try (BtfsTier btfs =
        BtfsTier.builder()
            .id("hostile")
            .apiUrl(URI.create(wiremock.baseUrl()))
            .requestTimeout(Duration.ofSeconds(2))
            .build()) {
      StringBuilder huge = new StringBuilder("{\"Keys\":{");
      for (int i = 0; huge.length() < (1 << 20) + 10; i++) {
        huge.append("\"bafk").append(i).append("\":{\"Type\":\"recursive\"},");
      }
      wiremock.stubFor(
          post(urlPathEqualTo("/api/v1/pin/ls"))
              .willReturn(aResponse().withStatus(200).withBody(huge + "}}")));
      HybridStorageException big = assertThrows(HybridStorageException.class, () -> btfs.list(""));
      assertTrue(big.getMessage().contains("larger than"), big.getMessage());

      wiremock.stubFor(
          post(urlPathEqualTo("/api/v1/pin/ls"))
              .willReturn(aResponse().withStatus(200).withBody("{\"Keys\":{\"not-a-cid\":{}}}")));
      HybridStorageException forged =
          assertThrows(HybridStorageException.class, () -> btfs.list(""));
      assertTrue(forged.getMessage().contains("'not-a-cid'"), forged.getMessage());
    }
  }

  @Test
  void aHostileS3ListingIsATypedErrorNamingWhatIsWrong() throws IOException {
    try (S3Tier s3 =
        S3Tier.builder()
            .id("hostile")
            .endpoint(URI.create(wiremock.baseUrl()))
            .region("us-east-1")
            .bucket("bkt")
            .pathStyle(true)
            .credentials("ak", "sk")
            .build()) {
      String loop =
          "<ListBucketResult><IsTruncated>true</IsTruncated>"
              + "<NextContinuationToken>again</NextContinuationToken></ListBucketResult>";
      wiremock.stubFor(
          get(urlPathEqualTo("/bkt")).willReturn(aResponse().withStatus(200).withBody(loop)));
      HybridStorageException looping =
          assertThrows(HybridStorageException.class, () -> s3.list("manifests/"));
      assertTrue(
          looping.getMessage().contains("repeats the continuation token"), looping.getMessage());

      wiremock.stubFor(
          get(urlPathEqualTo("/bkt"))
              .willReturn(
                  aResponse()
                      .withStatus(200)
                      .withBody(
                          "<ListBucketResult><Contents><Key>manifests/x</Key><Size>-5</Size>"
                              + "</Contents></ListBucketResult>")));
      HybridStorageException negative =
          assertThrows(HybridStorageException.class, () -> s3.list("manifests/"));
      assertTrue(negative.getMessage().contains("'-5'"), negative.getMessage());

      wiremock.stubFor(
          get(urlPathEqualTo("/bkt"))
              .willReturn(
                  aResponse()
                      .withStatus(200)
                      .withBody(
                          "<ListBucketResult><Contents><Key>elsewhere/x</Key><Size>1</Size>"
                              + "</Contents></ListBucketResult>")));
      HybridStorageException outside =
          assertThrows(HybridStorageException.class, () -> s3.list("manifests/"));
      assertTrue(outside.getMessage().contains("'elsewhere/x'"), outside.getMessage());
    }
  }
}
