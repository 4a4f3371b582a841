package io.btfshybrid.s3;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.head;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.google.common.base.Throwables;
import io.btfshybrid.api.Locator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** How S3Tier behaves when the server throttles, breaks connections, dribbles or talks nonsense. */
class S3TierFaultTest {
  private static final String OBJECT_PATH = "/bucket/data/object.bin";

  @RegisterExtension
  static WireMockExtension wireMock =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  private S3Tier tier;

  private S3Tier.Builder tierBuilder() {
    return S3Tier.builder()
        .id("faulty")
        .endpoint(URI.create(wireMock.baseUrl()))
        .bucket("bucket")
        .prefix("data")
        .pathStyle(true)
        .credentials("AKID", "SECRET")
        .retries(4, Duration.ofMillis(50), Duration.ofSeconds(2))
        .sleeper(sleeps::add);
  }

  private S3Tier tier() throws IOException {
    tier = tierBuilder().build();
    return tier;
  }

  @AfterEach
  void closeTier() {
    if (tier != null) {
      tier.close();
    }
  }

  private static byte[] bytes(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }

  private Locator object() throws IOException {
    return tier.locate("object.bin").orElseThrow();
  }

  private static String errorXml(String code, String message) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>"
        + code
        + "</Code><Message>"
        + message
        + "</Message><RequestId>REQ123</RequestId></Error>";
  }

  @Test
  void slowDownStormIsRetriedHonouringRetryAfterUntilItSucceeds() throws IOException {
    byte[] body = bytes(2000);
    int failures = 3;
    for (int i = 0; i < failures; i++) {
      wireMock.stubFor(
          get(urlEqualTo(OBJECT_PATH))
              .inScenario("storm")
              .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "failed-" + i)
              .willReturn(
                  aResponse()
                      .withStatus(503)
                      .withHeader("Retry-After", "1")
                      .withBody(errorXml("SlowDown", "Please reduce your request rate.")))
              .willSetStateTo("failed-" + (i + 1)));
    }
    wireMock.stubFor(
        get(urlEqualTo(OBJECT_PATH))
            .inScenario("storm")
            .whenScenarioStateIs("failed-" + failures)
            .willReturn(aResponse().withStatus(200).withBody(body)));

    byte[] read;
    try (InputStream in = tier().read(object(), 0, -1)) {
      read = in.readAllBytes();
    }

    assertArrayEquals(body, read);
    wireMock.verify(failures + 1, getRequestedFor(urlEqualTo(OBJECT_PATH)));
    assertEquals(failures, sleeps.size());
    for (Duration sleep : sleeps) {
      assertTrue(sleep.compareTo(Duration.ofSeconds(1)) >= 0, "waited only " + sleep);
    }
  }

  @Test
  void endlessSlowDownGivesUpAfterTheAttemptBudgetWithTheS3Code() throws IOException {
    wireMock.stubFor(
        get(urlEqualTo(OBJECT_PATH))
            .willReturn(aResponse().withStatus(503).withBody(errorXml("SlowDown", "Slow down."))));

    S3ServiceException e =
        assertThrows(S3ServiceException.class, () -> tier().read(object(), 0, -1));

    assertEquals(503, e.statusCode());
    assertEquals("SlowDown", e.errorCode().orElseThrow());
    assertTrue(e.getMessage().contains("s3://bucket/data/object.bin"), e.getMessage());
    assertTrue(e.getMessage().contains("HTTP 503 SlowDown: Slow down."), e.getMessage());
    wireMock.verify(4, getRequestedFor(urlEqualTo(OBJECT_PATH)));
    assertEquals(3, sleeps.size());
  }

  @Test
  void forbiddenIsAccessDeniedAndNeverRetried() throws IOException {
    wireMock.stubFor(
        get(urlEqualTo(OBJECT_PATH))
            .willReturn(
                aResponse().withStatus(403).withBody(errorXml("AccessDenied", "Access Denied"))));

    S3AccessDeniedException e =
        assertThrows(S3AccessDeniedException.class, () -> tier().read(object(), 0, -1));

    assertEquals("AccessDenied", e.errorCode().orElseThrow());
    assertEquals("REQ123", e.requestId().orElseThrow());
    assertTrue(
        e.getMessage().startsWith("access denied: S3 GET s3://bucket/data/object.bin"),
        e.getMessage());
    wireMock.verify(1, getRequestedFor(urlEqualTo(OBJECT_PATH)));
    assertEquals(List.of(), sleeps);
  }

  @Test
  void badRequestIsNotRetried() throws IOException {
    wireMock.stubFor(
        put(urlEqualTo("/bucket/data/object.bin"))
            .willReturn(aResponse().withStatus(400).withBody(errorXml("InvalidArgument", "Nope"))));

    S3ServiceException e =
        assertThrows(
            S3ServiceException.class,
            () -> tier().write("object.bin", new ByteArrayInputStream(new byte[10]), 10));

    assertEquals(400, e.statusCode());
    wireMock.verify(1, putRequestedFor(urlEqualTo("/bucket/data/object.bin")));
  }

  @Test
  void malformedErrorBodyStillGivesAClearMessage() throws IOException {
    wireMock.stubFor(
        get(urlEqualTo(OBJECT_PATH))
            .willReturn(aResponse().withStatus(400).withBody("<Error><Code>Broken</Co")));

    S3ServiceException e =
        assertThrows(S3ServiceException.class, () -> tier().read(object(), 0, -1));

    assertEquals(400, e.statusCode());
    assertEquals(java.util.Optional.empty(), e.errorCode());
    assertTrue(
        e.getMessage()
            .startsWith(
                "S3 GET s3://bucket/data/object.bin failed: HTTP 400 (the error body is not an S3"
                    + " XML error document: '<Error><Code>Broken</Co')"),
        e.getMessage());
  }

  @Test
  void connectionResetBeforeTheAnswerIsRetriedThenReported() throws IOException {
    wireMock.stubFor(
        get(urlEqualTo(OBJECT_PATH))
            .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

    IOException e = assertThrows(IOException.class, () -> tier().read(object(), 0, -1));

    assertTrue(e.getMessage().contains("failed after 4 attempt(s)"), e.getMessage());
    assertTrue(
        Throwables.getCausalChain(e).stream().anyMatch(SocketException.class::isInstance),
        () -> Throwables.getStackTraceAsString(e));
    wireMock.verify(4, getRequestedFor(urlEqualTo(OBJECT_PATH)));
  }

  @Test
  void bodyCutShortIsAnIOExceptionNeverAShortSuccess() throws IOException {
    byte[] body = bytes(4000);
    wireMock.stubFor(
        get(urlEqualTo(OBJECT_PATH))
            .willReturn(
                aResponse()
                    .withStatus(206)
                    .withHeader("Content-Range", "bytes 0-9999/10000")
                    .withHeader("Content-Length", "10000")
                    .withBody(body)));

    ByteArrayOutputStream delivered = new ByteArrayOutputStream();
    IOException e =
        assertThrows(
            IOException.class,
            () -> {
              try (InputStream in = tier().read(object(), 0, 10_000)) {
                in.transferTo(delivered);
              }
            });

    assertTrue(
        e.getMessage().startsWith("S3 read of s3://bucket/data/object.bin broke off at offset")
            || e.getMessage().startsWith("S3 read of s3://bucket/data/object.bin ended early"),
        e.getMessage());
    assertTrue(e.getMessage().contains("of 10000 bytes"), e.getMessage());
    assertTrue(delivered.size() < 10_000);
    assertArrayEquals(Arrays.copyOf(body, delivered.size()), delivered.toByteArray());
  }

  @Test
  void bodyDribblingSlowerThanTheSocketTimeoutTimesOut() throws IOException {
    wireMock.stubFor(
        get(urlEqualTo(OBJECT_PATH))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withBody(bytes(1000))
                    .withChunkedDribbleDelay(5, 5000)));
    tier =
        tierBuilder()
            .socketTimeout(Duration.ofMillis(300))
            .retries(1, Duration.ofMillis(1), Duration.ofMillis(1))
            .build();

    IOException e =
        assertThrows(
            IOException.class,
            () -> {
              try (InputStream in = tier.read(object(), 0, -1)) {
                in.readAllBytes();
              }
            });

    assertTrue(
        Throwables.getCausalChain(e).stream().anyMatch(SocketTimeoutException.class::isInstance),
        () -> Throwables.getStackTraceAsString(e));
  }

  @Test
  void overallCallTimeoutCutsASlowAnswerShort() throws IOException {
    wireMock.stubFor(
        head(urlEqualTo(OBJECT_PATH)).willReturn(aResponse().withStatus(200).withFixedDelay(3000)));
    tier =
        tierBuilder()
            .callTimeout(Duration.ofMillis(300))
            .socketTimeout(Duration.ofSeconds(10))
            .build();

    long started = System.nanoTime();
    IOException e = assertThrows(IOException.class, () -> tier.stat(object()));

    assertTrue(e.getMessage().contains("did not complete within PT0.3S"), e.getMessage());
    assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(3)) < 0);
  }

  @Test
  void rangeAnsweredWithTheWholeObjectIsSkippedToTheOffset() throws IOException {
    byte[] body = bytes(5000);
    wireMock.stubFor(
        get(urlEqualTo(OBJECT_PATH)).willReturn(aResponse().withStatus(200).withBody(body)));

    byte[] read;
    try (InputStream in = tier().read(object(), 1234, 100)) {
      read = in.readAllBytes();
    }

    assertArrayEquals(Arrays.copyOfRange(body, 1234, 1334), read);
    wireMock.verify(
        getRequestedFor(urlEqualTo(OBJECT_PATH)).withHeader("Range", equalTo("bytes=1234-1333")));
  }

  @Test
  void parallelPartCutShortIsRetriedAndTheReadIsExact() throws IOException {
    byte[] body = bytes(300);
    tier = threePartTierWithTwoGoodParts(body);
    wireMock.stubFor(
        get(urlEqualTo(OBJECT_PATH))
            .withHeader("Range", equalTo("bytes=200-299"))
            .inScenario("flaky part")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER))
            .willSetStateTo("recovered"));
    wireMock.stubFor(
        get(urlEqualTo(OBJECT_PATH))
            .withHeader("Range", equalTo("bytes=200-299"))
            .inScenario("flaky part")
            .whenScenarioStateIs("recovered")
            .willReturn(partial(body, 200, 299)));

    byte[] read;
    try (InputStream in = tier.read(object(), 0, -1)) {
      read = in.readAllBytes();
    }

    assertArrayEquals(body, read);
    wireMock.verify(
        2, getRequestedFor(urlEqualTo(OBJECT_PATH)).withHeader("Range", equalTo("bytes=200-299")));
  }

  @Test
  void parallelPartCutMidBodyResumesFromTheLastByteItGot() throws IOException {
    byte[] body = bytes(300);
    tier = threePartTierWithTwoGoodParts(body);
    wireMock.stubFor(
        get(urlEqualTo(OBJECT_PATH))
            .withHeader("Range", equalTo("bytes=200-299"))
            .willReturn(
                aResponse()
                    .withStatus(206)
                    .withHeader("Content-Range", "bytes 200-299/300")
                    .withHeader("Content-Length", "100")
                    .withBody(Arrays.copyOfRange(body, 200, 240))));
    stubRange(body, 240, 299);

    byte[] read;
    try (InputStream in = tier.read(object(), 0, -1)) {
      read = in.readAllBytes();
    }

    assertArrayEquals(body, read);
    wireMock.verify(
        1, getRequestedFor(urlEqualTo(OBJECT_PATH)).withHeader("Range", equalTo("bytes=200-299")));
    wireMock.verify(
        1, getRequestedFor(urlEqualTo(OBJECT_PATH)).withHeader("Range", equalTo("bytes=240-299")));
  }

  @Test
  void parallelPartThatNeverArrivesFailsTheReadAfterTheGoodBytes() throws IOException {
    byte[] body = bytes(300);
    tier = threePartTierWithTwoGoodParts(body);
    wireMock.stubFor(
        get(urlEqualTo(OBJECT_PATH))
            .withHeader("Range", equalTo("bytes=200-299"))
            .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

    ByteArrayOutputStream delivered = new ByteArrayOutputStream();
    assertThrows(
        IOException.class,
        () -> {
          try (InputStream in = tier.read(object(), 0, -1)) {
            in.transferTo(delivered);
          }
        });

    assertArrayEquals(Arrays.copyOf(body, 200), delivered.toByteArray());
    wireMock.verify(
        4, getRequestedFor(urlEqualTo(OBJECT_PATH)).withHeader("Range", equalTo("bytes=200-299")));
  }

  /** A tier reading 100-byte parts in parallel; the first two parts of {@code body} are served. */
  private S3Tier threePartTierWithTwoGoodParts(byte[] body) throws IOException {
    stubRange(body, 0, 99);
    stubRange(body, 100, 199);
    return tierBuilder().minimumPartSize(1).partSize(100).parallelReadThreshold(100).build();
  }

  @Test
  void failedPartAbortsTheMultipartUpload() throws IOException {
    String objectUrl = "/bucket/data/object.bin";
    wireMock.stubFor(
        post(urlEqualTo(objectUrl + "?uploads="))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withBody(
                        "<InitiateMultipartUploadResult><Bucket>bucket</Bucket>"
                            + "<Key>data/object.bin</Key><UploadId>UP-1</UploadId>"
                            + "</InitiateMultipartUploadResult>")));
    wireMock.stubFor(
        put(urlPathEqualTo(objectUrl))
            .withQueryParam("uploadId", equalTo("UP-1"))
            .willReturn(aResponse().withStatus(200).withHeader("ETag", "\"etag\"")));
    wireMock.stubFor(
        put(urlPathEqualTo(objectUrl))
            .withQueryParam("uploadId", equalTo("UP-1"))
            .withQueryParam("partNumber", equalTo("3"))
            .willReturn(aResponse().withStatus(400).withBody(errorXml("InvalidPart", "bad part"))));
    wireMock.stubFor(
        delete(urlEqualTo(objectUrl + "?uploadId=UP-1")).willReturn(aResponse().withStatus(204)));
    tier = tierBuilder().minimumPartSize(1).partSize(1000).multipartThreshold(1000).build();

    S3ServiceException e =
        assertThrows(
            S3ServiceException.class,
            () -> tier.write("object.bin", new ByteArrayInputStream(bytes(5500)), 5500));

    assertEquals("InvalidPart", e.errorCode().orElseThrow());
    wireMock.verify(1, deleteRequestedFor(urlEqualTo(objectUrl + "?uploadId=UP-1")));
    wireMock.verify(0, postRequestedFor(urlEqualTo(objectUrl + "?uploadId=UP-1")));
  }

  private static void stubRange(byte[] body, int first, int last) {
    wireMock.stubFor(
        get(urlEqualTo(OBJECT_PATH))
            .withHeader("Range", equalTo("bytes=" + first + "-" + last))
            .willReturn(partial(body, first, last)));
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder partial(
      byte[] body, int first, int last) {
    return aResponse()
        .withStatus(206)
        .withHeader("Content-Range", "bytes " + first + "-" + last + "/" + body.length)
        .withHeader("ETag", "\"abc\"")
        .withBody(Arrays.copyOfRange(body, first, last + 1));
  }
}
