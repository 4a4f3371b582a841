package io.btfshybrid.s3;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.base.Throwables;
import com.google.common.collect.ImmutableSet;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.MalformedChunkCodingException;
import org.apache.hc.core5.http.NoHttpResponseException;

/**
 * When to try an S3 call again and how long to wait: exponential backoff with full jitter (a
 * uniform wait between zero and {@code base * 2^(attempt-1)}, capped), never shorter than what a
 * {@code Retry-After} header asked for. Throttling, 5xx and broken connections are retried; 4xx
 * answers (bad request, access denied, not found) are not, except {@code RequestTimeout} and a
 * conditional write's {@code 409 ConditionalRequestConflict}. An abandoned read (stalled or past
 * its deadline) is not retried: the caller moves on to another source.
 */
final class RetryPolicy {
  private static final Set<Integer> RETRYABLE_STATUS = ImmutableSet.of(429, 500, 502, 503, 504);
  private static final Set<String> RETRYABLE_CODES =
      ImmutableSet.of(
          "SlowDown",
          "RequestTimeout",
          "InternalError",
          "ServiceUnavailable",
          "Throttling",
          "ThrottlingException");

  private final int maxAttempts;
  private final Duration baseDelay;
  private final Duration maxDelay;

  RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {
    checkArgument(maxAttempts >= 1, "maxAttempts must be >= 1, was %s", maxAttempts);
    checkArgument(
        !baseDelay.isNegative() && !baseDelay.isZero(),
        "retry base delay must be positive, was %s",
        baseDelay);
    checkArgument(
        maxDelay.compareTo(baseDelay) >= 0,
        "retry max delay must be >= base delay %s, was %s",
        baseDelay,
        maxDelay);
    this.maxAttempts = maxAttempts;
    this.baseDelay = baseDelay;
    this.maxDelay = maxDelay;
  }

  int maxAttempts() {
    return maxAttempts;
  }

  /** Whether a failed call is worth repeating; says nothing about the attempt budget. */
  boolean isRetryable(IOException failure) {
    if (failure instanceof S3AccessDeniedException || failure instanceof S3ReadTimeoutException) {
      return false;
    }
    if (failure instanceof S3ServiceException service) {
      return RETRYABLE_STATUS.contains(service.statusCode())
          || (service.statusCode() == 409
              && service.errorCode().filter("ConditionalRequestConflict"::equals).isPresent())
          || service.errorCode().filter(RETRYABLE_CODES::contains).isPresent();
    }
    for (Throwable cause : Throwables.getCausalChain(failure)) {
      if (cause instanceof UnknownHostException || cause instanceof SSLException) {
        return false;
      }
      if (cause instanceof SocketException
          || cause instanceof SocketTimeoutException
          || cause instanceof NoHttpResponseException
          || cause instanceof ConnectTimeoutException
          || cause instanceof ConnectionClosedException
          || cause instanceof MalformedChunkCodingException
          || cause instanceof EOFException) {
        return true;
      }
    }
    return false;
  }

  /**
   * How long to wait after the {@code failedAttempts}-th failure: full jitter over the exponential
   * window, but at least the server's {@code Retry-After}.
   */
  Duration backoff(int failedAttempts, Optional<Duration> retryAfter) {
    int exponent = Math.min(Math.max(failedAttempts - 1, 0), 30);
    long windowMillis =
        Math.min(maxDelay.toMillis(), saturatedShift(baseDelay.toMillis(), exponent));
    Duration jitter = Duration.ofMillis(ThreadLocalRandom.current().nextLong(windowMillis + 1));
    return retryAfter.filter(asked -> asked.compareTo(jitter) > 0).orElse(jitter);
  }

  private static long saturatedShift(long value, int exponent) {
    return value > (Long.MAX_VALUE >> exponent) ? Long.MAX_VALUE : value << exponent;
  }
}
