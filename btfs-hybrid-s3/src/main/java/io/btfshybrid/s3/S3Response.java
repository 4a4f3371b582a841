package io.btfshybrid.s3;

import io.btfshybrid.api.HybridStorageException;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;

/**
 * A 2xx answer whose body has not been read yet. A watchdog abandons the body when a read waits
 * longer than the stall time for the next bytes or when the whole read passes its deadline; the
 * reader then sees {@link S3ReadTimeoutException}. Closing a body that was not read to its end
 * drops the connection instead of draining the rest (HttpClient 5 drains on close).
 */
final class S3Response implements Closeable {
  private final HttpUriRequestBase request;
  private final ClassicHttpResponse response;
  private final String target;
  private final ScheduledExecutorService timers;
  private final long stallNanos;
  private final long deadlineNanos;
  private final InputStream content;
  private volatile boolean reading;
  private volatile long readingSince;
  private volatile String abandonedBecause;
  private volatile boolean done;
  private ScheduledFuture<?> watchdog;
  private volatile boolean endOfBody;

  /** A response watched from now on, until {@code deadlineNanos} ({@link System#nanoTime}). */
  S3Response(
      HttpUriRequestBase request,
      ClassicHttpResponse response,
      String target,
      ScheduledExecutorService timers,
      long stallNanos,
      long deadlineNanos)
      throws IOException {
    this.request = request;
    this.response = response;
    this.target = target;
    this.timers = timers;
    this.stallNanos = stallNanos;
    this.deadlineNanos = deadlineNanos;
    HttpEntity entity = response.getEntity();
    this.endOfBody = entity == null || entity.getContentLength() == 0;
    this.content = endOfBody ? InputStream.nullInputStream() : new Watched(entity.getContent());
    if (!endOfBody) {
      schedule(Math.min(stallNanos, deadlineNanos - System.nanoTime()));
    }
  }

  int status() {
    return response.getCode();
  }

  Optional<String> header(String name) {
    return header(response, name);
  }

  static Optional<String> header(ClassicHttpResponse response, String name) {
    Header header = response.getFirstHeader(name);
    return header == null ? Optional.empty() : Optional.of(header.getValue());
  }

  /** The body, watched for stalls and the deadline; the same stream on every call. */
  InputStream content() {
    return content;
  }

  /** The whole body, at most {@code maxBytes}; a longer body is abandoned, not read to its end. */
  byte[] readBounded(long maxBytes) throws IOException {
    byte[] body = S3Http.readAtMost(content, maxBytes);
    if (body.length > maxBytes) {
      abort();
      throw new HybridStorageException(
          "S3 answer for " + target + " is longer than " + maxBytes + " bytes: not read");
    }
    return body;
  }

  /** Drops the connection without reading the rest of the body. */
  void abort() {
    finish();
    request.cancel();
    closeQuietly(response);
  }

  /**
   * Releases the connection when the body is at its end, otherwise drops it. A caller that read
   * every promised byte has not seen the end yet: one read, which returns at once at the end of a
   * {@code Content-Length} body, tells; a body with more in it is dropped, not drained.
   */
  @Override
  public void close() {
    if (!endOfBody && abandonedBecause == null && !done) {
      try {
        content.read();
      } catch (IOException broken) {
        // dropped below
      }
    }
    if (endOfBody) {
      finish();
      closeQuietly(response);
    } else {
      abort();
    }
  }

  private synchronized void finish() {
    done = true;
    if (watchdog != null) {
      watchdog.cancel(false);
    }
  }

  private synchronized void schedule(long delayNanos) {
    if (!done) {
      watchdog = timers.schedule(this::check, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    }
  }

  private void check() {
    long now = System.nanoTime();
    boolean waiting = reading;
    long since = readingSince;
    if (now - deadlineNanos >= 0) {
      abandon("did not finish within its read deadline");
    } else if (waiting && now - since >= stallNanos) {
      abandon("received no bytes for " + TimeUnit.NANOSECONDS.toMillis(stallNanos) + " ms");
    } else {
      long stallAt = waiting ? since + stallNanos : now + stallNanos;
      schedule(Math.min(stallAt, deadlineNanos) - now);
    }
  }

  private void abandon(String why) {
    abandonedBecause = why;
    request.cancel();
  }

  private IOException failure(IOException cause) {
    String why = abandonedBecause;
    return why == null
        ? cause
        : new S3ReadTimeoutException("S3 read of " + target + " " + why, cause);
  }

  private static void closeQuietly(ClassicHttpResponse response) {
    try {
      response.close();
    } catch (IOException ignored) {
      // the connection is being discarded anyway
    }
  }

  /** The body stream: notes when a read starts waiting and when the body ends. */
  private final class Watched extends FilterInputStream {
    Watched(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n == -1 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (abandonedBecause != null) {
        throw failure(new IOException("abandoned"));
      }
      readingSince = System.nanoTime();
      reading = true;
      try {
        int n = in.read(buffer, offset, length);
        if (n == -1) {
          endOfBody = true;
        }
        return n;
      } catch (IOException e) {
        throw failure(e);
      } finally {
        reading = false;
      }
    }

    @Override
    public long skip(long n) throws IOException {
      // through read, so that a stalled skip is watched like a stalled read
      byte[] scratch = new byte[(int) Math.min(Math.max(n, 0), 8192)];
      int read = scratch.length == 0 ? 0 : read(scratch, 0, scratch.length);
      return Math.max(read, 0);
    }

    @Override
    public void close() {
      // the response decides between releasing and dropping the connection
    }
  }
}
