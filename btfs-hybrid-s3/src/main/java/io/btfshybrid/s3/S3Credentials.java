package io.btfshybrid.s3;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Optional;

/** An access key pair and an optional session token; {@link #toString} never shows the secret. */
record S3Credentials(String accessKeyId, String secretAccessKey, Optional<String> sessionToken) {
  S3Credentials {
    checkArgument(
        accessKeyId != null && !accessKeyId.isBlank(),
        "access key id must not be blank, was '%s'",
        accessKeyId);
    checkArgument(
        secretAccessKey != null && !secretAccessKey.isBlank(),
        "secret access key for '%s' must not be blank",
        accessKeyId);
    sessionToken = sessionToken.filter(token -> !token.isBlank());
  }

  @Override
  public String toString() {
    return "S3Credentials["
        + accessKeyId
        + ", secret hidden"
        + (sessionToken.isPresent() ? ", session token hidden" : "")
        + "]";
  }
}
