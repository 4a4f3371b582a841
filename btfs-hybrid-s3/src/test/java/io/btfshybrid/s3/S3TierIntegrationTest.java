package io.btfshybrid.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectInfo;
import io.btfshybrid.api.ObjectNotFoundException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest;

/** S3Tier against a real S3 server (S3Proxy in-process, checking SigV4 for real). */
class S3TierIntegrationTest {
  private static final int MIB = 1024 * 1024;

  /** S3Proxy, like S3, refuses parts under 5 MiB but the last. */
  private static final int PART = 5 * MIB;

  private static LocalS3Server server;
  private static S3Tier tier;
  private static S3Tier smallPartsTier;

  @BeforeAll
  static void start() throws Exception {
    server = LocalS3Server.start("data");
    tier = server.tier("cloud", "data").prefix("releases").build();
    smallPartsTier =
        server
            .tier("cloud-small-parts", "data")
            .prefix("small")
            .minimumPartSize(PART)
            .partSize(PART)
            .multipartThreshold(PART)
            .parallelReadThreshold(MIB)
            .parallelism(3)
            .build();
  }

  @AfterAll
  static void stop() throws Exception {
    tier.close();
    smallPartsTier.close();
    server.close();
  }

  static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  static byte[] readAll(S3Tier from, Locator where, long offset, long length) throws IOException {
    try (InputStream in = from.read(where, offset, length)) {
      return in.readAllBytes();
    }
  }

  @Test
  void smallObjectRoundTripsUnderThePrefix() throws IOException {
    byte[] bytes = randomBytes(1000, 1);
    Locator where = tier.write("blobs/small", new ByteArrayInputStream(bytes), bytes.length);

    assertEquals("s3://data/releases/blobs/small", where.uri().toString());
    assertEquals(Optional.of(where), tier.locate("blobs/small"));
    assertArrayEquals(bytes, readAll(tier, where, 0, -1));
    ObjectInfo info = tier.stat(where).orElseThrow();
    assertEquals(1000, info.size());
    assertTrue(info.lastModified().isPresent());
  }

  @Test
  void emptyObjectRoundTrips() throws IOException {
    Locator where = tier.write("blobs/empty", new ByteArrayInputStream(new byte[0]), 0);

    assertArrayEquals(new byte[0], readAll(tier, where, 0, -1));
    assertArrayEquals(new byte[0], readAll(tier, where, 0, 0));
    assertEquals(0, tier.stat(where).orElseThrow().size());
  }

  @Test
  void multipartObjectWithRealEightMibPartsRoundTrips() throws IOException {
    byte[] bytes = randomBytes(2 * 8 * MIB + 12345, 2);
    Locator where = tier.write("blobs/multipart", new ByteArrayInputStream(bytes), bytes.length);

    assertEquals(bytes.length, tier.stat(where).orElseThrow().size());
    assertArrayEquals(bytes, readAll(tier, where, 0, -1));
    assertNoPendingUploads();
  }

  @Test
  void manySmallPartsUploadInParallelAndReadBackInOrder() throws IOException {
    byte[] bytes = randomBytes(3 * PART + 1003, 3);
    Locator where =
        smallPartsTier.write("blobs/many-parts", new ByteArrayInputStream(bytes), bytes.length);

    assertArrayEquals(bytes, readAll(smallPartsTier, where, 0, -1));
    int middle = PART - 77_777;
    assertArrayEquals(
        Arrays.copyOfRange(bytes, middle, middle + 2 * PART),
        readAll(smallPartsTier, where, middle, 2 * PART));
    assertArrayEquals(
        Arrays.copyOfRange(bytes, 200_001, bytes.length),
        readAll(smallPartsTier, where, 200_001, -1));
    assertNoPendingUploads();
  }

  @Test
  void rangedReadsAtStartMiddleAndEnd() throws IOException {
    byte[] bytes = randomBytes(10_000, 4);
    Locator where = tier.write("blobs/ranged", new ByteArrayInputStream(bytes), bytes.length);

    assertArrayEquals(Arrays.copyOfRange(bytes, 0, 100), readAll(tier, where, 0, 100));
    assertArrayEquals(Arrays.copyOfRange(bytes, 4321, 5321), readAll(tier, where, 4321, 1000));
    assertArrayEquals(Arrays.copyOfRange(bytes, 9990, 10_000), readAll(tier, where, 9990, -1));
    assertArrayEquals(Arrays.copyOfRange(bytes, 9990, 10_000), readAll(tier, where, 9990, 10));
    assertArrayEquals(new byte[0], readAll(tier, where, 10_000, -1));
    assertThrows(IOException.class, () -> readAll(tier, where, 10_001, -1));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "with space/file name.bin",
        "plus+sign+key",
        "unicode/été/日本語/ключ",
        "tilde~and-dash_dot.key",
        "deeply/nested/slashes/a/b/c/d",
        "odd chars !$&'()*,;=@[]%.bin"
      })
  void keysWithSpecialCharactersRoundTrip(String key) throws IOException {
    byte[] bytes = randomBytes(300, key.hashCode());
    Locator where = tier.write(key, new ByteArrayInputStream(bytes), bytes.length);

    assertEquals(where, tier.locate(key).orElseThrow());
    assertArrayEquals(bytes, readAll(tier, where, 0, -1));
    assertEquals(300, tier.stat(where).orElseThrow().size());
    assertTrue(
        tier.list("").stream().anyMatch(info -> info.locator().equals(where)),
        "listing shows " + where);
    tier.delete(where);
    assertEquals(Optional.empty(), tier.stat(where));
  }

  @Test
  void listingFollowsContinuationTokensAcrossPages() throws IOException {
    try (S3Tier paged = server.tier("paged", "data").prefix("paged").listPageSize(2).build()) {
      for (int i = 0; i < 7; i++) {
        byte[] bytes = randomBytes(i + 1, i);
        paged.write("set/item-" + i, new ByteArrayInputStream(bytes), bytes.length);
      }
      paged.write("other/x", new ByteArrayInputStream(new byte[1]), 1);

      List<ObjectInfo> listed = paged.list("set/");

      assertEquals(7, listed.size());
      for (int i = 0; i < 7; i++) {
        assertEquals("s3://data/paged/set/item-" + i, listed.get(i).locator().uri().toString());
        assertEquals(i + 1, listed.get(i).size());
      }
    }
  }

  @Test
  void createBucketMakesAUsableBucketAndToleratesAnExistingOne() throws IOException {
    try (S3Tier fresh = server.tier("fresh", "fresh-bucket").build()) {
      fresh.createBucket();
      fresh.createBucket();
      Locator where = fresh.write("k", new ByteArrayInputStream(new byte[] {9}), 1);
      assertEquals(1, fresh.stat(where).orElseThrow().size());
    }
  }

  @Test
  void deleteRemovesAndDeletingAgainIsANoOp() throws IOException {
    Locator where = tier.write("blobs/doomed", new ByteArrayInputStream(new byte[5]), 5);
    tier.delete(where);
    tier.delete(where);

    assertEquals(Optional.empty(), tier.stat(where));
    assertThrows(ObjectNotFoundException.class, () -> tier.read(where, 0, -1));
  }

  @Test
  void missingObjectIsNotFoundOnReadAndEmptyOnStat() throws IOException {
    Locator missing = tier.locate("never/written").orElseThrow();

    ObjectNotFoundException e =
        assertThrows(ObjectNotFoundException.class, () -> tier.read(missing, 0, -1));
    assertEquals(missing, e.locator());
    assertThrows(ObjectNotFoundException.class, () -> tier.read(missing, 0, 0));
    assertThrows(ObjectNotFoundException.class, () -> tier.read(missing, 5, 10));
    assertEquals(Optional.empty(), tier.stat(missing));
  }

  @Test
  void wrongSecretIsATypedAccessDeniedError() throws IOException {
    Locator where = tier.write("blobs/guarded", new ByteArrayInputStream(new byte[3]), 3);
    try (S3Tier wrong =
        server
            .tier("wrong", "data")
            .prefix("releases")
            .credentials(LocalS3Server.ACCESS_KEY, "not-the-secret")
            .build()) {
      // the same object through the other tier's own locator (a foreign locator is not found)
      Locator guarded = wrong.locate("blobs/guarded").orElseThrow();
      assertEquals(where.uri(), guarded.uri());
      S3AccessDeniedException read =
          assertThrows(S3AccessDeniedException.class, () -> wrong.read(guarded, 0, -1));
      assertEquals(403, read.statusCode());
      assertTrue(read.getMessage().startsWith("access denied"), read.getMessage());
      assertTrue(read.getMessage().contains("s3://data/releases/blobs/guarded"), read.getMessage());
      assertEquals(Optional.of("SignatureDoesNotMatch"), read.errorCode());

      assertThrows(
          S3AccessDeniedException.class,
          () -> wrong.write("blobs/intruder", new ByteArrayInputStream(new byte[3]), 3));
      assertThrows(S3AccessDeniedException.class, () -> wrong.stat(guarded));
    }
  }

  @Test
  void streamShorterThanDeclaredSizeFailsAndLeavesNoUpload() throws IOException {
    byte[] tooFew = randomBytes(PART + 150 * 1024, 9);
    IOException small =
        assertThrows(
            IOException.class,
            () -> tier.write("blobs/short", new ByteArrayInputStream(tooFew, 0, 1000), 1001));
    assertTrue(small.getMessage().contains("ended before"), small.getMessage());
    IOException multipart =
        assertThrows(
            IOException.class,
            () ->
                smallPartsTier.write(
                    "blobs/short-multipart", new ByteArrayInputStream(tooFew), tooFew.length + 10));
    assertTrue(multipart.getMessage().contains("ended before"), multipart.getMessage());

    assertEquals(Optional.empty(), tier.stat(tier.locate("blobs/short").orElseThrow()));
    assertEquals(
        Optional.empty(),
        smallPartsTier.stat(smallPartsTier.locate("blobs/short-multipart").orElseThrow()));
    assertNoPendingUploads();
  }

  @Test
  void closingAParallelReadEarlyDoesNotHang() throws IOException {
    byte[] bytes = randomBytes(2 * PART + 4096, 11);
    Locator where =
        smallPartsTier.write("blobs/closed-early", new ByteArrayInputStream(bytes), bytes.length);
    try (InputStream in = smallPartsTier.read(where, 0, -1)) {
      byte[] head = in.readNBytes(1000);
      assertArrayEquals(Arrays.copyOf(bytes, 1000), head);
    }
    assertArrayEquals(bytes, readAll(smallPartsTier, where, 0, -1));
  }

  private static void assertNoPendingUploads() {
    try (S3Client sdk = server.sdkClient()) {
      assertEquals(
          List.of(),
          sdk.listMultipartUploads(ListMultipartUploadsRequest.builder().bucket("data").build())
              .uploads());
    }
  }
}
