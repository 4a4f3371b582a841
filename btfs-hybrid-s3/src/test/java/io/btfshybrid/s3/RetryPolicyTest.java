package io.btfshybrid.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.HybridStorageException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which failures are retried and how long the waits are. */
class RetryPolicyTest {
  private final RetryPolicy policy =
      new RetryPolicy(5, Duration.ofMillis(100), Duration.ofMillis(1000));

  private static S3ServiceException answer(int status, String code) {
    return new S3ServiceException("m", status, code, null, null);
  }

  @Test
  void throttlingServerErrorsAndRequestTimeoutAreRetried() {
    assertTrue(policy.isRetryable(answer(503, "SlowDown")));
    assertTrue(policy.isRetryable(answer(500, "InternalError")));
    assertTrue(policy.isRetryable(answer(500, null)));
    assertTrue(policy.isRetryable(answer(400, "RequestTimeout")));
  }

  @Test
  void clientErrorsAreNotRetried() {
    assertFalse(policy.isRetryable(answer(400, "InvalidArgument")));
    assertFalse(policy.isRetryable(answer(403, "AccessDenied")));
    assertFalse(
        policy.isRetryable(
            new S3AccessDeniedException("m", 403, "SignatureDoesNotMatch", null, null)));
    assertFalse(policy.isRetryable(answer(404, "NoSuchKey")));
  }

  @Test
  void brokenConnectionsAndTimeoutsAreRetriedUnknownHostsAreNot() {
    assertTrue(policy.isRetryable(new SocketException("Connection reset")));
    assertTrue(policy.isRetryable(new SocketTimeoutException("Read timed out")));
    assertTrue(
        policy.isRetryable(new HybridStorageException("wrapped", new SocketException("reset"))));
    assertFalse(policy.isRetryable(new UnknownHostException("nowhere.invalid")));
    assertFalse(policy.isRetryable(new IOException("something else")));
  }

  @Test
  void backoffIsFullJitterWithinTheCappedExponentialWindow() {
    for (int failed = 1; failed <= 8; failed++) {
      long window = Math.min(1000, 100L << (failed - 1));
      long longest = 0;
      for (int i = 0; i < 500; i++) {
        long wait = policy.backoff(failed, Optional.empty()).toMillis();
        assertTrue(wait >= 0 && wait <= window, "wait " + wait + " outside [0, " + window + "]");
        longest = Math.max(longest, wait);
      }
      assertTrue(longest > window / 2, "jitter never used the upper half of " + window);
    }
  }

  @Test
  void retryAfterIsAFloorNotACap() {
    assertEquals(Duration.ofSeconds(30), policy.backoff(1, Optional.of(Duration.ofSeconds(30))));
    assertTrue(policy.backoff(3, Optional.of(Duration.ZERO)).toMillis() <= 400);
  }
}
