package io.btfshybrid.btfs;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;

/**
 * One open HTTP reply from a node or gateway, its body under a {@link StallGuard}. Closing it
 * returns the connection to the pool only when the body was read to its end; otherwise the
 * connection is abandoned, never drained (HttpClient 5 reads the rest of a body when a response is
 * closed, which for an endless body never ends).
 */
final class NodeReply implements Closeable {
  private final HttpUriRequestBase request;
  private final ClassicHttpResponse response;
  private final StallGuard.Guarded body;
  private final String subject;
  private boolean closed;

  NodeReply(
      HttpUriRequestBase request, ClassicHttpResponse response, StallGuard guard, String subject)
      throws IOException {
    this.request = request;
    this.response = response;
    this.subject = subject;
    HttpEntity entity = response.getEntity();
    InputStream content = entity == null ? InputStream.nullInputStream() : entity.getContent();
    this.body = guard.guard(content, subject, this::abandon);
  }

  /** The HTTP status. */
  int code() {
    return response.getCode();
  }

  /** The reason phrase of the status line. */
  String reason() {
    return response.getReasonPhrase();
  }

  /** What the reply answers, e.g. {@code cat of btfs:btfs://<cid>}. */
  String subject() {
    return subject;
  }

  /** The first header named {@code name}, or null. */
  Header header(String name) {
    return response.getFirstHeader(name);
  }

  /** The body's declared length, or -1. */
  long contentLength() {
    HttpEntity entity = response.getEntity();
    return entity == null ? -1 : entity.getContentLength();
  }

  /** The body, stall-guarded; read it to its end or close the reply. */
  InputStream body() {
    return body;
  }

  /** The value of trailer {@code name} (known once the body ended), or null. */
  String trailer(String name) {
    HttpEntity entity = response.getEntity();
    var supplier = entity == null ? null : entity.getTrailers();
    List<? extends Header> list = supplier == null ? null : supplier.get();
    if (list != null) {
      for (Header h : list) {
        if (name.equalsIgnoreCase(h.getName())) {
          return h.getValue();
        }
      }
    }
    return null;
  }

  /**
   * The whole body when it has at most {@code limit} bytes; a longer one is not read further and
   * fails as a {@link BtfsNodeException} of {@code command}.
   */
  byte[] readAtMost(String command, int limit) throws IOException {
    byte[] bytes = body.readNBytes(limit + 1);
    if (bytes.length > limit) {
      throw new BtfsNodeException(
          command, code(), "the answer is larger than the " + limit + " bytes it may have", -1);
    }
    return bytes;
  }

  /** Cuts the connection at once, without reading what is left of the body. */
  void abandon() {
    request.cancel();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    body.close();
    if (!body.ended()) {
      abandon();
    }
    try {
      response.close();
    } catch (IOException e) {
      // the connection is gone either way; nothing of the reply is wanted any more
    }
  }
}
