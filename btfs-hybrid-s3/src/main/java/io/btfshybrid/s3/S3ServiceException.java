package io.btfshybrid.s3;

import io.btfshybrid.api.HybridStorageException;
import java.time.Duration;
import java.util.Optional;

/** An S3 request was answered with an error: carries the HTTP status and the S3 error code. */
public class S3ServiceException extends HybridStorageException {
  private static final long serialVersionUID = 1L;

  private final int statusCode;
  private final String errorCode;
  private final String requestId;
  private final transient Duration retryAfter;

  S3ServiceException(
      String message, int statusCode, String errorCode, String requestId, Duration retryAfter) {
    super(message);
    this.statusCode = statusCode;
    this.errorCode = errorCode;
    this.requestId = requestId;
    this.retryAfter = retryAfter;
  }

  /** The HTTP status of the answer, e.g. 503. */
  public int statusCode() {
    return statusCode;
  }

  /** The S3 error code from the error body, e.g. {@code SlowDown}, when the body carried one. */
  public Optional<String> errorCode() {
    return Optional.ofNullable(errorCode);
  }

  /** The S3 request id, when the server sent one; quote it to the storage provider. */
  public Optional<String> requestId() {
    return Optional.ofNullable(requestId);
  }

  /** How long the server asked us to wait before retrying ({@code Retry-After}). */
  Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
