package io.btfshybrid.btfs;

import io.btfshybrid.api.HybridStorageException;
import io.btfshybrid.api.Locator;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;

/**
 * A streamed response body that is never a short success: at its end it checks the {@code
 * X-Stream-Error} trailer and that exactly the expected number of bytes arrived, and a stalled body
 * fails instead of hanging.
 */
final class CheckedBodyStream extends FilterInputStream {
  static final String STREAM_ERROR_TRAILER = "X-Stream-Error";

  /** What {@link ExpectedLength} returns when nobody can tell how long the body should be. */
  static final long UNKNOWN_LENGTH = Long.MIN_VALUE;

  /** The number of bytes the body should have had, asked only when it cannot be told otherwise. */
  @FunctionalInterface
  interface ExpectedLength {
    long get() throws IOException;
  }

  private final NodeReply response;
  private final String command;
  private final Locator where;
  private final long requested;
  private final ExpectedLength expected;
  private long received;
  private boolean checked;

  CheckedBodyStream(
      NodeReply response,
      InputStream body,
      String command,
      Locator where,
      long requested,
      ExpectedLength expected) {
    super(body);
    this.response = response;
    this.command = command;
    this.where = where;
    this.requested = requested;
    this.expected = expected;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    int n;
    try {
      n = in.read(b, off, len);
    } catch (SocketTimeoutException e) {
      throw new HybridStorageException(
          command + " of " + where + " stalled after " + received + " bytes: " + e.getMessage(), e);
    }
    if (n < 0) {
      checkEnd();
      return -1;
    }
    received += n;
    if (requested >= 0 && received > requested) {
      throw new HybridStorageException(
          command + " of " + where + " sent more than the " + requested + " bytes asked for");
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] buffer = new byte[(int) Math.min(8192, Math.max(1, n))];
    long skipped = 0;
    while (skipped < n) {
      int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
      if (r < 0) {
        break;
      }
      skipped += r;
    }
    return skipped;
  }

  private void checkEnd() throws IOException {
    if (checked) {
      return;
    }
    checked = true;
    String streamError = response.trailer(STREAM_ERROR_TRAILER);
    if (streamError != null && !streamError.isBlank()) {
      throw NodeErrors.forContent(
          where,
          new BtfsNodeException(command, 200, streamError + " (after " + received + " bytes)", -1));
    }
    if (requested >= 0 && received == requested) {
      return;
    }
    long want = expected.get();
    if (want != UNKNOWN_LENGTH && received != want) {
      throw new HybridStorageException(
          "short body from "
              + command
              + " of "
              + where
              + ": got "
              + received
              + " of "
              + want
              + " bytes");
    }
  }

  @Override
  public void close() {
    response.close(); // abandons the connection unless the body was read to its end
  }
}
