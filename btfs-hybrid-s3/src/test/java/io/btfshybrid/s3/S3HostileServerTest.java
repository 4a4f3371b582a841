package io.btfshybrid.s3;

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
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Servers that drip, stall or never stop sending: every read ends within its deadline with a typed
 * exception naming tier and key, and giving up on an answer drops the connection instead of
 * downloading the rest.
 */
class S3HostileServerTest {
  private static final long ONE_GIB = 1L << 30;
  private static final long FAR_FEWER = 64L << 20;
  private static final Duration HANG_GUARD = Duration.ofSeconds(30);

  private RawHttpServer server;
  private S3Tier tier;

  @AfterEach
  void stop() throws IOException {
    if (tier != null) {
      tier.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private S3Tier.Builder tierOn(RawHttpServer.Behaviour behaviour) throws IOException {
    server = new RawHttpServer(behaviour);
    return S3Tier.builder()
        .id("hostile")
        .endpoint(server.endpoint())
        .bucket("bucket")
        .pathStyle(true)
        .credentials("AKID", "SECRET")
        .retries(1, Duration.ofMillis(1), Duration.ofMillis(1));
  }

  private Locator object() {
    return tier.locate("object.bin").orElseThrow();
  }

  @Test
  void bodyDrippingWithinTheSocketTimeoutIsAbandonedAtTheReadDeadline() throws IOException {
    tier =
        tierOn(
                (request, out, sent) -> {
                  RawHttpServer.writeHead(out, 200, 1000);
                  for (int i = 0; i < 1000; i++) {
                    out.write('x');
                    out.flush();
                    Thread.sleep(500); // the drip itself, not a way of ordering events
                  }
                })
            .socketTimeout(Duration.ofSeconds(20))
            .readTimeout(Duration.ofSeconds(3))
            .build();

    S3ReadTimeoutException e =
        assertTimeoutPreemptively(
            HANG_GUARD,
            () ->
                assertThrows(
                    S3ReadTimeoutException.class,
                    () -> {
                      try (InputStream in = tier.read(object(), 0, -1)) {
                        in.readAllBytes();
                      }
                    }));

    assertTrue(e.getMessage().contains("s3://bucket/object.bin (tier 'hostile')"), e.getMessage());
    assertTrue(e.getMessage().contains("read deadline"), e.getMessage());
  }

  @Test
  void bodyThatStopsSendingIsAbandonedAfterTheStallTime() throws IOException {
    CountDownLatch never = new CountDownLatch(1);
    tier =
        tierOn(
                (request, out, sent) -> {
                  RawHttpServer.writeHead(out, 200, 1000);
                  out.write(new byte[10]);
                  out.flush();
                  never.await();
                })
            .socketTimeout(Duration.ofMinutes(5))
            .stallTimeout(Duration.ofSeconds(1))
            .build();

    S3ReadTimeoutException e =
        assertTimeoutPreemptively(
            HANG_GUARD,
            () ->
                assertThrows(
                    S3ReadTimeoutException.class,
                    () -> {
                      try (InputStream in = tier.read(object(), 0, -1)) {
                        assertArrayEquals(new byte[10], in.readNBytes(10));
                        in.read();
                      }
                    }));

    assertTrue(e.getMessage().contains("s3://bucket/object.bin (tier 'hostile')"), e.getMessage());
    assertTrue(e.getMessage().contains("received no bytes for 1000 ms"), e.getMessage());
  }

  @Test
  void closingAHugeBodyAfterOneKibDropsTheConnection() throws Exception {
    tier =
        tierOn(
                (request, out, sent) -> {
                  RawHttpServer.writeHead(out, 200, ONE_GIB);
                  RawHttpServer.writeEndlessly(out, ONE_GIB, sent);
                })
            .build();

    assertTimeoutPreemptively(
        HANG_GUARD,
        () -> {
          try (InputStream in = tier.read(object(), 0, -1)) {
            assertEquals(1024, in.readNBytes(1024).length);
          }
          server.awaitFinished(1);
        });

    assertTrue(server.bytesSent() < FAR_FEWER, "server sent " + server.bytesSent() + " bytes");
  }

  @Test
  void endlessErrorBodyIsNotDrained() throws Exception {
    tier =
        tierOn(
                (request, out, sent) -> {
                  RawHttpServer.writeHead(out, 500, ONE_GIB);
                  RawHttpServer.writeEndlessly(out, ONE_GIB, sent);
                })
            .build();

    S3ServiceException e =
        assertTimeoutPreemptively(
            HANG_GUARD,
            () -> {
              S3ServiceException failure =
                  assertThrows(S3ServiceException.class, () -> tier.read(object(), 0, -1));
              server.awaitFinished(1);
              return failure;
            });

    assertEquals(500, e.statusCode());
    assertTrue(e.getMessage().contains("(tier 'hostile')"), e.getMessage());
    assertTrue(server.bytesSent() < FAR_FEWER, "server sent " + server.bytesSent() + " bytes");
  }

  @Test
  void endlessListingIsRefusedOverItsBoundWithoutDrainingIt() throws Exception {
    tier =
        tierOn(
                (request, out, sent) -> {
                  RawHttpServer.writeHead(out, 200, ONE_GIB);
                  out.write("<ListBucketResult>".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                  RawHttpServer.writeEndlessly(out, ONE_GIB, sent);
                })
            .build();

    HybridStorageException e =
        assertTimeoutPreemptively(
            HANG_GUARD,
            () -> {
              HybridStorageException failure =
                  assertThrows(HybridStorageException.class, () -> tier.list(""));
              server.awaitFinished(1);
              return failure;
            });

    assertTrue(e.getMessage().contains("is longer than 16777216 bytes"), e.getMessage());
    assertTrue(server.bytesSent() < FAR_FEWER, "server sent " + server.bytesSent() + " bytes");
  }

  @Test
  void unreadAnswerToAWriteIsNotDrained() throws Exception {
    tier =
        tierOn(
                (request, out, sent) -> {
                  RawHttpServer.writeHead(out, 200, ONE_GIB, "ETag: \"e\"");
                  RawHttpServer.writeEndlessly(out, ONE_GIB, sent);
                })
            .build();

    Locator written =
        assertTimeoutPreemptively(
            HANG_GUARD,
            () -> {
              Locator at = tier.write("object.bin", new ByteArrayInputStream(new byte[10]), 10);
              server.awaitFinished(1);
              return at;
            });

    assertEquals(object(), written);
    assertTrue(server.bytesSent() < FAR_FEWER, "server sent " + server.bytesSent() + " bytes");
  }
}
