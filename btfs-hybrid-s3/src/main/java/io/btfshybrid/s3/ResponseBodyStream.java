package io.btfshybrid.s3;

import io.btfshybrid.api.HybridStorageException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The body of an S3 GET handed to the caller as it arrives. It knows how many bytes the server
 * promised: a body that ends early or breaks off is an {@link IOException} naming the object and
 * how far it got, never a short success. Closing before the end drops the connection instead of
 * draining the rest.
 */
final class ResponseBodyStream extends InputStream {
  private final S3Response response;
  private final InputStream content;
  private final long expected;
  private final String target;
  private final long startOffset;
  private final boolean serverSendsMore;
  private long delivered;
  private boolean endOfBody;
  private boolean closed;

  /**
   * @param content the body, already positioned at {@code startOffset} of the object
   * @param expected how many bytes must come, or -1 when the server did not say (then the end of
   *     the body is the end of the data)
   * @param serverSendsMore whether the server may send more than we deliver (it ignored the range),
   *     so closing must drop the connection even after the last wanted byte
   */
  ResponseBodyStream(
      S3Response response,
      InputStream content,
      long expected,
      String target,
      long startOffset,
      boolean serverSendsMore) {
    this.response = response;
    this.content = content;
    this.expected = expected;
    this.target = target;
    this.startOffset = startOffset;
    this.serverSendsMore = serverSendsMore;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n == -1 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (closed) {
      throw new IOException("stream of " + target + " is closed");
    }
    if (length == 0) {
      return 0;
    }
    long limit = expected < 0 ? Long.MAX_VALUE : expected;
    if (delivered >= limit || endOfBody) {
      return -1;
    }
    int wanted = (int) Math.min(length, limit - delivered);
    int n;
    try {
      n = content.read(buffer, offset, wanted);
    } catch (S3ReadTimeoutException abandoned) {
      throw abandoned;
    } catch (IOException broken) {
      throw new HybridStorageException(
          "S3 read of "
              + target
              + " broke off at offset "
              + (startOffset + delivered)
              + " after "
              + delivered
              + " of "
              + expected
              + " bytes: "
              + broken,
          broken);
    }
    if (n == -1 && expected < 0) {
      endOfBody = true;
      return -1;
    }
    if (n == -1) {
      throw new HybridStorageException(
          "S3 read of "
              + target
              + " ended early at offset "
              + (startOffset + delivered)
              + ": got "
              + delivered
              + " of "
              + expected
              + " bytes");
    }
    delivered += n;
    return n;
  }

  @Override
  public int available() throws IOException {
    long limit = expected < 0 ? Long.MAX_VALUE : expected;
    return closed ? 0 : (int) Math.min(content.available(), limit - delivered);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    boolean wholeBodyRead =
        !serverSendsMore && (endOfBody || (expected >= 0 && delivered == expected));
    if (wholeBodyRead) {
      response.close();
    } else {
      response.abort();
    }
  }
}
