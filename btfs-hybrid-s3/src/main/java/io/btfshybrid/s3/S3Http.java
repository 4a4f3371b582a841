package io.btfshybrid.s3;

import com.google.common.io.ByteStreams;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.btfshybrid.api.HybridStorageException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends signed S3 requests over a pooled Apache HttpClient 5 (classic API) and retries the ones
 * worth retrying. Each call has a connect timeout, a socket (idle read) timeout and an overall
 * limit covering every attempt and wait; for {@link #open} the overall limit runs until the
 * response headers arrive, for {@link #call} until the body has been read.
 */
final class S3Http implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(S3Http.class);
  private static final int MAX_ERROR_BODY = 64 * 1024;

  /** How the client waits between attempts; tests record instead of sleeping. */
  interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  /** Reads a successful answer while the attempt is still running (so its failures retry). */
  interface ResponseReader<T> {
    T read(S3Response response) throws IOException;
  }

  /**
   * Connection and time limits of the client: {@code stallTimeout} and {@code readTimeout} watch
   * the body of a read after its headers arrived.
   */
  record Limits(
      Duration connectTimeout,
      Duration socketTimeout,
      Duration callTimeout,
      Duration stallTimeout,
      Duration readTimeout,
      int maxConnections) {}

  private final String tierId;
  private final S3Addressing addressing;
  private final SigV4Signer signer;
  private final RetryPolicy retryPolicy;
  private final Limits limits;
  private final Sleeper sleeper;
  private final Clock clock;
  private final CloseableHttpClient client;
  private final ScheduledThreadPoolExecutor deadlines;
  private final AtomicLong freshConnections = new AtomicLong();

  S3Http(
      String tierId,
      S3Addressing addressing,
      SigV4Signer signer,
      RetryPolicy retryPolicy,
      Limits limits,
      Sleeper sleeper,
      Clock clock) {
    this.tierId = tierId;
    this.addressing = addressing;
    this.signer = signer;
    this.retryPolicy = retryPolicy;
    this.limits = limits;
    this.sleeper = sleeper;
    this.clock = clock;
    this.client = newClient(limits);
    this.deadlines =
        new ScheduledThreadPoolExecutor(
            1, new ThreadFactoryBuilder().setDaemon(true).setNameFormat("s3-deadline-%d").build());
    this.deadlines.setRemoveOnCancelPolicy(true);
  }

  S3Addressing addressing() {
    return addressing;
  }

  /** {@code s3://bucket/key (tier 'id')}: how new messages name an object and its tier. */
  String describe(String key) {
    return addressing.describe(key) + " (tier '" + tierId + "')";
  }

  String tierId() {
    return tierId;
  }

  /** How many attempts asked for a fresh connection (retries), for tests. */
  long freshConnections() {
    return freshConnections.get();
  }

  /** Runs {@code request} with retries; {@code reader} consumes the 2xx answer. */
  <T> T call(S3Request request, ResponseReader<T> reader) throws IOException {
    return call(() -> request, reader);
  }

  /**
   * Like {@link #call(S3Request, ResponseReader)}, but each attempt asks {@code requests} for the
   * request to send, so that a retry can resume where the previous attempt stopped.
   */
  <T> T call(Supplier<S3Request> requests, ResponseReader<T> reader) throws IOException {
    return withRetries(
        requests,
        (http, response, target, readDeadline) -> {
          S3Response open = watched(http, response, target, readDeadline);
          T result;
          try {
            result = reader.read(open);
          } catch (IOException | RuntimeException e) {
            open.abort(); // do not drain a body we gave up on
            throw e;
          }
          open.close();
          return result;
        },
        true);
  }

  /** Runs {@code request} with retries until a 2xx answer arrives, and hands it over open. */
  S3Response open(S3Request request) throws IOException {
    return withRetries(() -> request, this::watched, false);
  }

  private S3Response watched(
      HttpUriRequestBase http, ClassicHttpResponse response, String target, long readDeadline)
      throws IOException {
    return new S3Response(
        http,
        response,
        target + " (tier '" + tierId + "')",
        deadlines,
        limits.stallTimeout().toNanos(),
        readDeadline);
  }

  private interface Attempt<T> {
    T run(HttpUriRequestBase http, ClassicHttpResponse response, String target, long readDeadline)
        throws IOException;
  }

  private <T> T withRetries(
      Supplier<S3Request> requests, Attempt<T> attempt, boolean deadlineCoversBody)
      throws IOException {
    long started = System.nanoTime();
    long deadline = started + limits.callTimeout().toNanos();
    long readDeadline = started + limits.readTimeout().toNanos();
    S3Request request = null;
    String payloadHash = null;
    for (int attemptNumber = 1; ; attemptNumber++) {
      S3Request next = requests.get();
      if (!next.equals(request)) {
        request = next;
        payloadHash = request.payloadHash();
      }
      String target = addressing.describe(request.key());
      try {
        return attemptOnce(
            request,
            payloadHash,
            target,
            new Deadlines(deadline, readDeadline, deadlineCoversBody),
            attempt,
            attemptNumber > 1);
      } catch (IOException failure) {
        long now = System.nanoTime();
        if (now - deadline >= 0) {
          throw new HybridStorageException(
              "S3 "
                  + request.method()
                  + " "
                  + target
                  + " did not complete within "
                  + limits.callTimeout()
                  + " ("
                  + attemptNumber
                  + " attempt(s)); last error: "
                  + failure.getMessage(),
              failure);
        }
        if (attemptNumber >= retryPolicy.maxAttempts() || !retryPolicy.isRetryable(failure)) {
          throw finalFailure(request, target, failure, attemptNumber);
        }
        Optional<Duration> retryAfter =
            failure instanceof S3ServiceException service ? service.retryAfter() : Optional.empty();
        Duration wait = retryPolicy.backoff(attemptNumber, retryAfter);
        if (now + wait.toNanos() - deadline >= 0) {
          throw finalFailure(request, target, failure, attemptNumber);
        }
        LOG.debug(
            "S3 {} {} attempt {} failed ({}); retrying in {} ms",
            request.method(),
            target,
            attemptNumber,
            failure.toString(),
            wait.toMillis());
        try {
          sleeper.sleep(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          InterruptedIOException interrupted =
              new InterruptedIOException("interrupted while waiting to retry S3 " + target);
          interrupted.initCause(failure);
          throw interrupted;
        }
      }
    }
  }

  /** When a call gives up ({@link System#nanoTime}), and whether that covers the body too. */
  private record Deadlines(long call, long read, boolean callCoversBody) {}

  /**
   * One attempt; a retry ({@code freshConnection}) never reuses a pooled connection, which may be
   * the slow or half-broken path that failed: a user token no pooled connection carries makes the
   * pool open a new one, and {@code Connection: close} keeps it out of the pool afterwards.
   */
  private <T> T attemptOnce(
      S3Request request,
      String payloadHash,
      String target,
      Deadlines limit,
      Attempt<T> attempt,
      boolean freshConnection)
      throws IOException {
    HttpUriRequestBase http = newHttpRequest(request, payloadHash);
    HttpClientContext context = HttpClientContext.create();
    if (freshConnection) {
      context.setUserToken(new Object());
      http.setHeader(HttpHeaders.CONNECTION, "close");
      freshConnections.incrementAndGet();
    }
    ScheduledFuture<?> timer =
        deadlines.schedule(http::cancel, limit.call() - System.nanoTime(), TimeUnit.NANOSECONDS);
    ClassicHttpResponse response = null;
    boolean handedOver = false;
    try {
      response = client.executeOpen(addressing.host(), http, context);
      int status = response.getCode();
      if (status >= 300) {
        throw error(request.method(), target, status, readErrorBody(response), response);
      }
      if (!limit.callCoversBody()) {
        timer.cancel(false);
      }
      T result = attempt.run(http, response, target, limit.read());
      handedOver = true;
      return result;
    } finally {
      timer.cancel(false);
      if (!handedOver && response != null) {
        http.cancel();
        closeQuietly(response);
      }
    }
  }

  private HttpUriRequestBase newHttpRequest(S3Request request, String payloadHash) {
    HttpUriRequestBase http =
        new HttpUriRequestBase(request.method(), addressing.uri(request.key(), request.query()));
    Map<String, String> signed =
        signer.sign(
            request.method(),
            addressing.hostHeader(),
            addressing.path(request.key()),
            S3Addressing.query(request.query()),
            request.headers(),
            payloadHash,
            clock.instant());
    request.headers().forEach(http::setHeader);
    signed.forEach(http::setHeader);
    if (request.body() != null) {
      http.setEntity(
          new ByteArrayEntity(
              request.body(),
              request.bodyOffset(),
              request.bodyLength(),
              ContentType.APPLICATION_OCTET_STREAM));
    } else if (request.method().equals("POST") || request.method().equals("PUT")) {
      http.setEntity(new ByteArrayEntity(new byte[0], ContentType.APPLICATION_OCTET_STREAM));
    }
    return http;
  }

  private static IOException finalFailure(
      S3Request request, String target, IOException failure, int attempts) {
    if (failure instanceof HybridStorageException) {
      return failure;
    }
    return new HybridStorageException(
        "S3 "
            + request.method()
            + " "
            + target
            + " failed after "
            + attempts
            + " attempt(s): "
            + failure,
        failure);
  }

  private static Optional<String> header(ClassicHttpResponse response, String name) {
    return S3Response.header(response, name);
  }

  /**
   * The exception for an error answer whose (bounded) body is {@code body}; secrets the server
   * echoed back are redacted before anything is quoted.
   */
  S3ServiceException error(
      String method,
      String target,
      int status,
      byte[] body,
      Optional<String> requestId,
      Optional<String> retryAfter) {
    return S3ErrorParser.toException(
        method,
        target,
        tierId,
        status,
        signer.redact(body),
        requestId,
        retryAfter,
        clock.instant());
  }

  private S3ServiceException error(
      String method, String target, int status, byte[] body, ClassicHttpResponse response) {
    return error(
        method,
        target,
        status,
        body,
        header(response, "x-amz-request-id"),
        header(response, "Retry-After"));
  }

  /**
   * Up to {@code maxBytes + 1} bytes of {@code in}, so that the caller can tell a body over the
   * bound; never reads further and never closes (closing would drain the rest).
   */
  static byte[] readAtMost(InputStream in, long maxBytes) throws IOException {
    return ByteStreams.toByteArray(ByteStreams.limit(in, maxBytes + 1));
  }

  /** The start of an error body (at most 64 KiB), or nothing when it cannot be read. */
  private static byte[] readErrorBody(ClassicHttpResponse response) {
    HttpEntity entity = response.getEntity();
    if (entity == null) {
      return new byte[0];
    }
    try {
      byte[] body = readAtMost(entity.getContent(), MAX_ERROR_BODY);
      return body.length > MAX_ERROR_BODY ? Arrays.copyOf(body, MAX_ERROR_BODY) : body;
    } catch (IOException unreadable) {
      return new byte[0];
    }
  }

  private static void closeQuietly(ClassicHttpResponse response) {
    try {
      response.close();
    } catch (IOException ignored) {
      // the connection is being discarded anyway
    }
  }

  private static CloseableHttpClient newClient(Limits limits) {
    Timeout connect = Timeout.of(limits.connectTimeout());
    Timeout socket = Timeout.of(limits.socketTimeout());
    PoolingHttpClientConnectionManager connections =
        PoolingHttpClientConnectionManagerBuilder.create()
            .setMaxConnTotal(limits.maxConnections())
            .setMaxConnPerRoute(limits.maxConnections())
            .setDefaultSocketConfig(
                SocketConfig.custom().setSoTimeout(socket).setTcpNoDelay(true).build())
            .setDefaultConnectionConfig(
                ConnectionConfig.custom()
                    .setConnectTimeout(connect)
                    .setSocketTimeout(socket)
                    .build())
            .build();
    return HttpClients.custom()
        .setConnectionManager(connections)
        .disableAutomaticRetries()
        .disableRedirectHandling()
        .disableContentCompression()
        .disableCookieManagement()
        .disableAuthCaching()
        .setUserAgent("btfs-hybrid-s3")
        .setDefaultRequestConfig(
            RequestConfig.custom()
                .setResponseTimeout(socket)
                .setConnectionRequestTimeout(Timeout.of(limits.callTimeout()))
                .setExpectContinueEnabled(false)
                .build())
        .build();
  }

  @Override
  public void close() {
    deadlines.shutdownNow();
    client.close(CloseMode.GRACEFUL);
  }
}
