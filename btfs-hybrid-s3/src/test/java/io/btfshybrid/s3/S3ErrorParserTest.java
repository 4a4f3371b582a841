package io.btfshybrid.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Error bodies and Retry-After values become precise exceptions. */
class S3ErrorParserTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  private static S3ServiceException parse(int status, String body, String retryAfter) {
    return S3ErrorParser.toException(
        "GET",
        "s3://bkt/k",
        null,
        status,
        body == null ? null : body.getBytes(StandardCharsets.UTF_8),
        Optional.of("HEADER-ID"),
        Optional.ofNullable(retryAfter),
        NOW);
  }

  @Test
  void xmlErrorNamesTargetStatusCodeAndMessage() {
    S3ServiceException e =
        parse(
            404,
            "<?xml version=\"1.0\"?><Error><Code>NoSuchKey</Code><Message>The specified key does"
                + " not exist.</Message><Key>k</Key><RequestId>BODY-ID</RequestId></Error>",
            null);

    assertEquals(
        "S3 GET s3://bkt/k failed: HTTP 404 NoSuchKey: The specified key does not exist."
            + " (request id BODY-ID)",
        e.getMessage());
    assertEquals(Optional.of("NoSuchKey"), e.errorCode());
  }

  @Test
  void forbiddenIsAccessDenied() {
    S3ServiceException e = parse(403, null, null);

    assertInstanceOf(S3AccessDeniedException.class, e);
    assertEquals(
        "access denied: S3 GET s3://bkt/k failed: HTTP 403 (no error body) (request id HEADER-ID)",
        e.getMessage());
  }

  @Test
  void htmlOrGarbageIsQuotedNotParsed() {
    S3ServiceException e = parse(502, "<html><body>Bad   Gateway</body></html>", null);

    assertEquals(
        "S3 GET s3://bkt/k failed: HTTP 502 (the error body is not an S3 XML error document:"
            + " '<html><body>Bad Gateway</body></html>') (request id HEADER-ID)",
        e.getMessage());
  }

  @Test
  void documentTypeDeclarationsAreRefused() {
    S3ServiceException e =
        parse(
            500,
            "<!DOCTYPE x [<!ENTITY e SYSTEM"
                + " \"file:///etc/passwd\">]><Error><Code>&e;</Code></Error>",
            null);

    assertEquals(Optional.empty(), e.errorCode());
  }

  @Test
  void retryAfterInSecondsOrAsAnHttpDate() {
    assertEquals(Optional.of(Duration.ofSeconds(7)), parse(503, null, "7").retryAfter());
    assertEquals(
        Optional.of(Duration.ofSeconds(90)),
        parse(503, null, "Thu, 01 Jan 2026 00:01:30 GMT").retryAfter());
    assertEquals(Optional.empty(), parse(503, null, "soon").retryAfter());
  }
}
