package io.btfshybrid.s3;

import java.time.Duration;

/** S3 refused the request (HTTP 403): wrong or expired credentials, or no permission on the key. */
public class S3AccessDeniedException extends S3ServiceException {
  private static final long serialVersionUID = 1L;

  S3AccessDeniedException(
      String message, int statusCode, String errorCode, String requestId, Duration retryAfter) {
    super(message, statusCode, errorCode, requestId, retryAfter);
  }
}
