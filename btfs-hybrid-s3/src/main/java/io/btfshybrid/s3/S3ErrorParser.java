package io.btfshybrid.s3;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.w3c.dom.Element;

/**
 * Turns an S3 error answer into an exception whose message names the call, the bucket and key, the
 * HTTP status and the S3 error code and message; an unreadable body still gives a clear message
 * quoting the start of what came back.
 */
final class S3ErrorParser {
  private static final int QUOTED_BODY_CHARS = 200;

  private S3ErrorParser() {}

  /** The parsed {@code <Error>} document: code, message and request id, each maybe absent. */
  record S3Error(Optional<String> code, Optional<String> message, Optional<String> requestId) {}

  /** The error document in {@code body}, or empty when there is none or it is not XML. */
  static Optional<S3Error> parse(byte[] body) {
    if (body == null || body.length == 0) {
      return Optional.empty();
    }
    try {
      Element root = S3Xml.parse(body);
      if (!"Error".equals(S3Xml.localName(root))) {
        return Optional.empty();
      }
      return Optional.of(
          new S3Error(
              S3Xml.childText(root, "Code").map(String::strip).filter(s -> !s.isEmpty()),
              S3Xml.childText(root, "Message").map(String::strip).filter(s -> !s.isEmpty()),
              S3Xml.childText(root, "RequestId").map(String::strip).filter(s -> !s.isEmpty())));
    } catch (IOException notXml) {
      return Optional.empty();
    }
  }

  /**
   * The exception for a failed call: {@link S3AccessDeniedException} for 403, else {@link
   * S3ServiceException}; {@code tierId} (may be null) is named at the end.
   */
  static S3ServiceException toException(
      String method,
      String target,
      String tierId,
      int status,
      byte[] body,
      Optional<String> requestIdHeader,
      Optional<String> retryAfterHeader,
      Instant now) {
    Optional<S3Error> error = parse(body);
    String code = error.flatMap(S3Error::code).orElse(null);
    String requestId = error.flatMap(S3Error::requestId).or(() -> requestIdHeader).orElse(null);
    StringBuilder message = new StringBuilder();
    if (status == 403) {
      message.append("access denied: ");
    }
    message.append("S3 ").append(method).append(' ').append(target).append(" failed: HTTP ");
    message.append(status);
    if (code != null) {
      message.append(' ').append(code);
    }
    error.flatMap(S3Error::message).ifPresent(m -> message.append(": ").append(m));
    if (error.isEmpty()) {
      message.append(describeUnparsedBody(body));
    }
    if (requestId != null) {
      message.append(" (request id ").append(requestId).append(')');
    }
    if (tierId != null) {
      message.append(" (tier '").append(tierId).append("')");
    }
    Duration retryAfter =
        retryAfterHeader.flatMap(value -> parseRetryAfter(value, now)).orElse(null);
    return status == 403
        ? new S3AccessDeniedException(message.toString(), status, code, requestId, retryAfter)
        : new S3ServiceException(message.toString(), status, code, requestId, retryAfter);
  }

  /** A {@code Retry-After} value: delay seconds or an HTTP date. */
  static Optional<Duration> parseRetryAfter(String value, Instant now) {
    String trimmed = value.strip();
    try {
      long seconds = Long.parseLong(trimmed);
      return seconds >= 0 ? Optional.of(Duration.ofSeconds(seconds)) : Optional.empty();
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration wait = Duration.between(now, at);
        return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
      } catch (DateTimeParseException notDate) {
        return Optional.empty();
      }
    }
  }

  private static String describeUnparsedBody(byte[] body) {
    if (body == null || body.length == 0) {
      return " (no error body)";
    }
    String text = new String(body, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
    if (text.length() > QUOTED_BODY_CHARS) {
      text = text.substring(0, QUOTED_BODY_CHARS) + "…";
    }
    return " (the error body is not an S3 XML error document: '" + text + "')";
  }
}
