package io.btfshybrid.s3;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.google.common.base.Throwables;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** The secret key and the session token never show in a toString, a message or a log line. */
class S3SecretsTest {
  private static final String SECRET = "SECRET-wJalrXUtnFEMI-K7MDENG";
  private static final String TOKEN = "TOKEN-FwoGZXIvYXdzEJr-session";

  @RegisterExtension
  static WireMockExtension wireMock =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger s3Logger = (Logger) LoggerFactory.getLogger("io.btfshybrid.s3");
  private Level previousLevel;
  private S3Tier tier;

  @BeforeEach
  void captureLogs() {
    previousLevel = s3Logger.getLevel();
    s3Logger.setLevel(Level.DEBUG);
    logs.start();
    s3Logger.addAppender(logs);
  }

  @AfterEach
  void release() {
    s3Logger.detachAppender(logs);
    s3Logger.setLevel(previousLevel);
    if (tier != null) {
      tier.close();
    }
  }

  private S3Tier.Builder builder() {
    return S3Tier.builder()
        .id("secretive")
        .endpoint(URI.create(wireMock.baseUrl()))
        .bucket("bucket")
        .pathStyle(true)
        .credentials("AKID", SECRET)
        .sessionToken(TOKEN)
        .retries(2, Duration.ofMillis(1), Duration.ofMillis(1))
        .sleeper(duration -> {});
  }

  private static void assertNoSecret(String text) {
    assertFalse(text.contains(SECRET), text);
    assertFalse(text.contains(TOKEN), text);
  }

  @Test
  void toStringsHideTheSecretAndTheToken() throws IOException {
    S3Tier.Builder builder = builder();
    tier = builder.build();
    S3Credentials credentials = new S3Credentials("AKID", SECRET, Optional.of(TOKEN));

    assertNoSecret(builder.toString());
    assertNoSecret(tier.toString());
    assertNoSecret(credentials.toString());
    assertNoSecret(new SigV4Signer(credentials, "us-east-1").toString());
    assertEquals(
        "S3Credentials[AKID, secret hidden, session token hidden]", credentials.toString());
  }

  @Test
  void secretsEchoedByTheServerAreRedactedInMessagesAndLogs() throws IOException {
    String echo = "you sent " + SECRET + " and " + TOKEN;
    wireMock.stubFor(
        get(urlEqualTo("/bucket/k"))
            .willReturn(
                aResponse()
                    .withStatus(403)
                    .withBody(
                        "<Error><Code>AccessDenied</Code><Message>"
                            + echo
                            + "</Message></Error>")));
    wireMock.stubFor(
        put(urlEqualTo("/bucket/k")).willReturn(aResponse().withStatus(503).withBody(echo)));
    tier = builder().build();

    S3AccessDeniedException denied =
        assertThrows(
            S3AccessDeniedException.class, () -> tier.read(tier.locate("k").orElseThrow(), 0, -1));
    S3ServiceException unavailable =
        assertThrows(
            S3ServiceException.class,
            () -> tier.write("k", new ByteArrayInputStream(new byte[1]), 1));

    assertTrue(
        denied.getMessage().contains("you sent [redacted] and [redacted]"), denied.getMessage());
    assertNoSecret(Throwables.getStackTraceAsString(denied));
    assertTrue(unavailable.getMessage().contains("[redacted]"), unavailable.getMessage());
    assertNoSecret(Throwables.getStackTraceAsString(unavailable));
    assertFalse(logs.list.isEmpty(), "the retry of the 503 is logged");
    for (ILoggingEvent event : logs.list) {
      assertNoSecret(event.getFormattedMessage());
    }
  }
}
