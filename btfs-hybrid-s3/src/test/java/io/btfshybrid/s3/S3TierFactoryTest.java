package io.btfshybrid.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectNotFoundException;
import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.StorageTierFactory;
import io.btfshybrid.api.TierKind;
import io.btfshybrid.api.TierSpec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The factory is found through ServiceLoader and turns configuration into a working tier. */
class S3TierFactoryTest {
  private static TierSpec spec(Map<String, String> settings) {
    return new TierSpec("cloud", "s3", TierKind.CLOUD, Optional.of("eu-west-1"), settings);
  }

  @Test
  void isFoundByTypeAndByScheme() {
    assertInstanceOf(S3TierFactory.class, StorageTierFactory.forType("s3"));
    assertInstanceOf(S3TierFactory.class, StorageTierFactory.forScheme("s3").orElseThrow());
  }

  @Test
  void builtTierWorksAgainstARealServer() throws Exception {
    try (LocalS3Server server = LocalS3Server.start("configured")) {
      TierSpec spec =
          spec(
              Map.of(
                  "endpoint", server.endpoint().toString(),
                  "region", "us-east-1",
                  "bucket", "configured",
                  "prefix", "/releases/",
                  "pathStyle", "true",
                  "accessKeyId", LocalS3Server.ACCESS_KEY,
                  "secretAccessKey", LocalS3Server.SECRET_KEY));
      try (StorageTier tier = StorageTierFactory.forType("s3").create(spec)) {
        assertEquals("cloud", tier.id());
        assertEquals(TierKind.CLOUD, tier.kind());
        assertEquals(Optional.of("us-east-1"), tier.region());
        var where = tier.write("a/b", new ByteArrayInputStream(new byte[] {1, 2, 3}), 3);
        assertEquals("s3://configured/releases/a/b", where.uri().toString());
        try (InputStream in = tier.read(where, 0, -1)) {
          assertEquals(3, in.readAllBytes().length);
        }
      }
    }
  }

  @Test
  void regionFallsBackToTheSpecRegion() throws IOException {
    try (StorageTier tier =
        new S3TierFactory()
            .create(spec(Map.of("bucket", "b-1", "accessKeyId", "k", "secretAccessKey", "s")))) {
      assertEquals(Optional.of("eu-west-1"), tier.region());
    }
  }

  @Test
  void badSettingsAreNamed() {
    IllegalArgumentException noBucket =
        assertThrows(
            IllegalArgumentException.class, () -> new S3TierFactory().create(spec(Map.of())));
    assertEquals("tier 'cloud' (type s3) needs the setting 'bucket'", noBucket.getMessage());

    IllegalArgumentException pathStyle =
        assertThrows(
            IllegalArgumentException.class,
            () -> new S3TierFactory().create(spec(Map.of("bucket", "bkt", "pathStyle", "yes"))));
    assertEquals(
        "tier 'cloud' (type s3): setting 'pathStyle' must be true or false, was 'yes'",
        pathStyle.getMessage());

    IllegalArgumentException endpoint =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new S3TierFactory()
                    .create(spec(Map.of("bucket", "bkt", "endpoint", "127.0.0.1:9000"))));
    assertTrue(endpoint.getMessage().contains("was '127.0.0.1:9000'"), endpoint.getMessage());

    IllegalArgumentException halfKey =
        assertThrows(
            IllegalArgumentException.class,
            () -> new S3TierFactory().create(spec(Map.of("bucket", "bkt", "accessKeyId", "k"))));
    assertTrue(halfKey.getMessage().contains("both 'accessKeyId' and 'secretAccessKey'"));
  }

  @Test
  void builderNamesBadValues() {
    assertEquals(
        "part size of S3Tier 't' must be at least 8388608 bytes, was 1048576",
        assertThrows(
                IllegalStateException.class,
                () ->
                    S3Tier.builder()
                        .id("t")
                        .bucket("bkt")
                        .credentials("k", "s")
                        .partSize(1024 * 1024)
                        .build())
            .getMessage());
    assertEquals(
        "parallelism must be 1..64, was 0",
        assertThrows(IllegalArgumentException.class, () -> S3Tier.builder().parallelism(0))
            .getMessage());
    assertEquals(
        "bucket must be 3-255 characters of letters, digits, '.', '_' or '-', was 'a/b'",
        assertThrows(IllegalArgumentException.class, () -> S3Tier.builder().bucket("a/b"))
            .getMessage());
  }

  @Test
  void durationsUseTheOneGrammarAndBadOnesAreNamed() throws IOException {
    Map<String, String> good =
        Map.of(
            "bucket", "bkt",
            "accessKeyId", "k",
            "secretAccessKey", "s",
            "readTimeout", "1500ms",
            "stallTimeout", "PT1M",
            "callTimeout", "1d",
            "connectTimeout", "45s",
            "socketTimeout", "2m");
    try (StorageTier tier = new S3TierFactory().create(spec(good))) {
      assertEquals("cloud", tier.id());
    }

    IllegalArgumentException bad =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new S3TierFactory()
                    .create(
                        spec(
                            Map.of(
                                "bucket", "bkt",
                                "accessKeyId", "k",
                                "secretAccessKey", "s",
                                "stallTimeout", "soon"))));
    assertTrue(
        bad.getMessage()
            .startsWith("tier 'cloud' (type s3): setting 'stallTimeout': duration 'soon'"),
        bad.getMessage());
  }

  @Test
  void locatorsOfOtherTiersOrBucketsAreObjectsThisTierDoesNotHold() throws IOException {
    try (S3Tier tier = S3Tier.builder().id("t").bucket("bkt").credentials("k", "s").build()) {
      Locator otherTier = new Locator("other", URI.create("s3://bkt/k"));
      Locator otherBucket = new Locator("t", URI.create("s3://elsewhere/k"));

      ObjectNotFoundException foreign =
          assertThrows(ObjectNotFoundException.class, () -> tier.read(otherTier, 0, -1));
      assertTrue(foreign.getMessage().contains("not tier 't'"), foreign.getMessage());
      assertThrows(ObjectNotFoundException.class, () -> tier.read(otherBucket, 0, 10));
      assertEquals(Optional.empty(), tier.stat(otherTier));
      tier.delete(otherBucket); // a no-op, like removing any missing object
    }
  }

  @Test
  void tierIdsFollowTheSharedRule() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> S3Tier.builder().id("a b"));
    assertTrue(e.getMessage().startsWith("tier id 'a b' is invalid"), e.getMessage());
  }
}
