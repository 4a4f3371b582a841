package io.btfshybrid.s3;

import io.btfshybrid.api.HybridStorageException;

/**
 * An S3 read was abandoned: its body stalled (no bytes for the stall time while the caller waited)
 * or the whole read passed its deadline. The message names the tier, bucket and key.
 */
public class S3ReadTimeoutException extends HybridStorageException {
  private static final long serialVersionUID = 1L;

  S3ReadTimeoutException(String message, Throwable cause) {
    super(message, cause);
  }
}
