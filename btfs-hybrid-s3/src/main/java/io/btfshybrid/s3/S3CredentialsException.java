package io.btfshybrid.s3;

import io.btfshybrid.api.HybridStorageException;

/** An S3 tier found no credentials to sign with; the message names the tier and where it looked. */
public class S3CredentialsException extends HybridStorageException {
  private static final long serialVersionUID = 1L;

  S3CredentialsException(String message) {
    super(message);
  }
}
