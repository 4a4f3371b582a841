package io.btfshybrid.s3;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.head;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectExistsException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code writeNew}: S3 conditional creation, its 412 and 409 answers and the fallback checks. */
class S3ConditionalWriteTest {
  private static final String OBJECT_PATH = "/bucket/data/object.bin";

  @RegisterExtension
  static WireMockExtension wireMock =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  private S3Tier tier;

  @AfterEach
  void closeTier() {
    if (tier != null) {
      tier.close();
    }
  }

  private S3Tier.Builder tierBuilder() {
    return S3Tier.builder()
        .id("cond")
        .endpoint(URI.create(wireMock.baseUrl()))
        .bucket("bucket")
        .prefix("data")
        .pathStyle(true)
        .credentials("AKID", "SECRET")
        .retries(3, Duration.ofMillis(10), Duration.ofMillis(10))
        .sleeper(sleeps::add);
  }

  private Locator writeNew(int size) throws IOException {
    return tier.writeNew("object.bin", new ByteArrayInputStream(new byte[size]), size);
  }

  private static String errorXml(String code) {
    return "<Error><Code>" + code + "</Code><Message>m</Message></Error>";
  }

  private static void headIsMissingFirstThen(String etag, int size) {
    wireMock.stubFor(
        head(urlEqualTo(OBJECT_PATH))
            .inScenario("object")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withStatus(404))
            .willSetStateTo("looked"));
    wireMock.stubFor(
        head(urlEqualTo(OBJECT_PATH))
            .inScenario("object")
            .whenScenarioStateIs("looked")
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("ETag", etag)
                    .withHeader("Content-Length", Integer.toString(size))));
  }

  @Test
  void freeKeyIsCreatedWithIfNoneMatch() throws IOException {
    headIsMissingFirstThen("\"mine\"", 10);
    wireMock.stubFor(
        put(urlEqualTo(OBJECT_PATH))
            .withHeader("If-None-Match", equalTo("*"))
            .willReturn(aResponse().withStatus(200).withHeader("ETag", "\"mine\"")));
    tier = tierBuilder().build();

    Locator at = writeNew(10);

    assertEquals(tier.locate("object.bin").orElseThrow(), at);
    wireMock.verify(
        1, putRequestedFor(urlEqualTo(OBJECT_PATH)).withHeader("If-None-Match", equalTo("*")));
  }

  @Test
  void preconditionFailedIsObjectExistsAndNotRetried() throws IOException {
    wireMock.stubFor(head(urlEqualTo(OBJECT_PATH)).willReturn(aResponse().withStatus(404)));
    wireMock.stubFor(
        put(urlEqualTo(OBJECT_PATH))
            .willReturn(aResponse().withStatus(412).withBody(errorXml("PreconditionFailed"))));
    tier = tierBuilder().build();

    ObjectExistsException e = assertThrows(ObjectExistsException.class, () -> writeNew(10));

    assertEquals(tier.locate("object.bin").orElseThrow(), e.locator());
    assertEquals(412, ((S3ServiceException) e.getCause()).statusCode());
    wireMock.verify(1, putRequestedFor(urlEqualTo(OBJECT_PATH)));
  }

  @Test
  void existingKeyIsRefusedBeforeAnyByteIsSent() throws IOException {
    wireMock.stubFor(
        head(urlEqualTo(OBJECT_PATH))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("ETag", "\"x\"")
                    .withHeader("Content-Length", "3")));
    tier = tierBuilder().build();

    assertThrows(ObjectExistsException.class, () -> writeNew(10));

    wireMock.verify(0, putRequestedFor(urlEqualTo(OBJECT_PATH)));
  }

  @Test
  void conditionalRequestConflictIsRetriedUntilTheServerDecides() throws IOException {
    wireMock.stubFor(head(urlEqualTo(OBJECT_PATH)).willReturn(aResponse().withStatus(404)));
    wireMock.stubFor(
        put(urlEqualTo(OBJECT_PATH))
            .inScenario("conflict")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(
                aResponse().withStatus(409).withBody(errorXml("ConditionalRequestConflict")))
            .willSetStateTo("decided"));
    wireMock.stubFor(
        put(urlEqualTo(OBJECT_PATH))
            .inScenario("conflict")
            .whenScenarioStateIs("decided")
            .willReturn(aResponse().withStatus(412).withBody(errorXml("PreconditionFailed"))));
    tier = tierBuilder().build();

    assertThrows(ObjectExistsException.class, () -> writeNew(10));

    wireMock.verify(2, putRequestedFor(urlEqualTo(OBJECT_PATH)));
    assertEquals(1, sleeps.size());
  }

  @Test
  void serverIgnoringTheConditionStillReportsALostRace() throws IOException {
    // the object found after our PUT is another writer's: other ETag, other size
    headIsMissingFirstThen("\"theirs\"", 12);
    wireMock.stubFor(
        put(urlEqualTo(OBJECT_PATH))
            .willReturn(aResponse().withStatus(200).withHeader("ETag", "\"mine\"")));
    tier = tierBuilder().build();

    assertThrows(ObjectExistsException.class, () -> writeNew(10));
  }

  @Test
  void multipartCompletionCarriesTheConditionAndA412AbortsTheUpload() throws IOException {
    wireMock.stubFor(head(urlEqualTo(OBJECT_PATH)).willReturn(aResponse().withStatus(404)));
    wireMock.stubFor(
        post(urlEqualTo(OBJECT_PATH + "?uploads="))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withBody(
                        "<InitiateMultipartUploadResult><UploadId>UP-1</UploadId>"
                            + "</InitiateMultipartUploadResult>")));
    wireMock.stubFor(
        put(urlPathEqualTo(OBJECT_PATH))
            .withQueryParam("uploadId", equalTo("UP-1"))
            .willReturn(aResponse().withStatus(200).withHeader("ETag", "\"part\"")));
    wireMock.stubFor(
        post(urlEqualTo(OBJECT_PATH + "?uploadId=UP-1"))
            .withHeader("If-None-Match", equalTo("*"))
            .willReturn(aResponse().withStatus(412).withBody(errorXml("PreconditionFailed"))));
    wireMock.stubFor(
        delete(urlEqualTo(OBJECT_PATH + "?uploadId=UP-1")).willReturn(aResponse().withStatus(204)));
    tier = tierBuilder().minimumPartSize(1).partSize(1000).multipartThreshold(1000).build();

    assertThrows(ObjectExistsException.class, () -> writeNew(2500));

    wireMock.verify(
        1,
        postRequestedFor(urlEqualTo(OBJECT_PATH + "?uploadId=UP-1"))
            .withHeader("If-None-Match", equalTo("*")));
    wireMock.verify(1, deleteRequestedFor(urlEqualTo(OBJECT_PATH + "?uploadId=UP-1")));
  }

  @Test
  void forbiddenIsAccessDeniedOnWriteAndOnWriteNew() throws IOException {
    wireMock.stubFor(
        put(urlEqualTo(OBJECT_PATH))
            .willReturn(aResponse().withStatus(403).withBody(errorXml("AccessDenied"))));
    wireMock.stubFor(head(urlEqualTo(OBJECT_PATH)).willReturn(aResponse().withStatus(403)));
    tier = tierBuilder().build();

    S3AccessDeniedException write =
        assertThrows(
            S3AccessDeniedException.class,
            () -> tier.write("object.bin", new ByteArrayInputStream(new byte[3]), 3));
    S3AccessDeniedException create = assertThrows(S3AccessDeniedException.class, () -> writeNew(3));

    assertTrue(write.getMessage().startsWith("access denied: S3 PUT s3://bucket/data/object.bin"));
    assertTrue(write.getMessage().endsWith("(tier 'cond')"), write.getMessage());
    assertTrue(create.getMessage().contains("(tier 'cond')"), create.getMessage());
    assertEquals(List.of(), sleeps);
  }
}
