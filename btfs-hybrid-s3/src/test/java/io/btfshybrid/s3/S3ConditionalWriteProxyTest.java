package io.btfshybrid.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectExistsException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** {@code writeNew} against S3Proxy, a real S3 server: of concurrent creators exactly one wins. */
class S3ConditionalWriteProxyTest {
  private static final int FIVE_MIB = 5 * 1024 * 1024;
  private static LocalS3Server server;
  private static S3Tier tier;

  @BeforeAll
  static void start() throws Exception {
    server = LocalS3Server.start("cond");
    tier = server.tier("proxy", "cond").build();
  }

  @AfterAll
  static void stop() throws Exception {
    tier.close();
    server.close();
  }

  private static byte[] content(int writer) {
    byte[] bytes = new byte[100 + writer];
    java.util.Arrays.fill(bytes, (byte) writer);
    return bytes;
  }

  private static byte[] readAll(Locator at) throws IOException {
    try (InputStream in = tier.read(at, 0, -1)) {
      return in.readAllBytes();
    }
  }

  @Test
  void s3ProxyHonoursIfNoneMatchOnPut() {
    try (S3Client sdk = server.sdkClient()) {
      PutObjectRequest put = PutObjectRequest.builder().bucket("cond").key("probe").build();
      sdk.putObject(put, RequestBody.fromBytes(new byte[1]));
      S3Exception refused =
          assertThrows(
              S3Exception.class,
              () ->
                  sdk.putObject(
                      put.toBuilder().ifNoneMatch("*").build(),
                      RequestBody.fromBytes(new byte[2])));
      assertEquals(412, refused.statusCode());
    }
  }

  @Test
  void s3ProxyHonoursIfNoneMatchOnCompleteMultipartUpload() {
    try (S3Client sdk = server.sdkClient()) {
      sdk.putObject(
          PutObjectRequest.builder().bucket("cond").key("mp-probe").build(),
          RequestBody.fromBytes(new byte[1]));
      String upload = sdk.createMultipartUpload(b -> b.bucket("cond").key("mp-probe")).uploadId();
      String etag =
          sdk.uploadPart(
                  b -> b.bucket("cond").key("mp-probe").uploadId(upload).partNumber(1),
                  RequestBody.fromBytes(new byte[2]))
              .eTag();
      S3Exception refused =
          assertThrows(
              S3Exception.class,
              () ->
                  sdk.completeMultipartUpload(
                      b ->
                          b.bucket("cond")
                              .key("mp-probe")
                              .uploadId(upload)
                              .ifNoneMatch("*")
                              .multipartUpload(
                                  m ->
                                      m.parts(
                                          CompletedPart.builder()
                                              .partNumber(1)
                                              .eTag(etag)
                                              .build()))));
      assertEquals(412, refused.statusCode());
      assertEquals(
          1, sdk.headObject(b -> b.bucket("cond").key("mp-probe")).contentLength().intValue());
    }
  }

  @Test
  void secondMultipartCreatorOfAKeyGetsObjectExists() throws Exception {
    try (S3Tier small =
        server
            .tier("proxy", "cond")
            .minimumPartSize(1)
            .partSize(FIVE_MIB)
            .multipartThreshold(FIVE_MIB)
            .build()) {
      byte[] first = new byte[FIVE_MIB + 100];
      Locator at = small.writeNew("mp", new ByteArrayInputStream(first), first.length);

      assertThrows(
          ObjectExistsException.class,
          () ->
              small.writeNew("mp", new ByteArrayInputStream(new byte[FIVE_MIB + 7]), FIVE_MIB + 7));

      assertEquals(first.length, small.stat(at).orElseThrow().size());
    }
  }

  @Test
  void secondCreatorOfAKeyGetsObjectExistsAndTheFirstBytesStay() throws IOException {
    Locator at = tier.writeNew("twice", new ByteArrayInputStream(content(1)), content(1).length);

    ObjectExistsException e =
        assertThrows(
            ObjectExistsException.class,
            () -> tier.writeNew("twice", new ByteArrayInputStream(content(2)), content(2).length));

    assertEquals(at, e.locator());
    assertArrayEquals(content(1), readAll(at));
  }

  @Test
  void ofConcurrentCreatorsExactlyOneWinsAndItsBytesAreStored() throws Exception {
    int writers = 6;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Locator>> attempts = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        byte[] bytes = content(w);
        attempts.add(
            pool.submit(
                () -> {
                  start.await();
                  return tier.writeNew("race", new ByteArrayInputStream(bytes), bytes.length);
                }));
      }
      start.countDown();
      List<Integer> winners = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        try {
          attempts.get(w).get();
          winners.add(w);
        } catch (java.util.concurrent.ExecutionException lost) {
          assertEquals(ObjectExistsException.class, lost.getCause().getClass());
        }
      }
      assertEquals(1, winners.size(), "winners: " + winners);
      assertArrayEquals(content(winners.get(0)), readAll(tier.locate("race").orElseThrow()));
    } finally {
      pool.shutdownNow();
    }
  }
}
