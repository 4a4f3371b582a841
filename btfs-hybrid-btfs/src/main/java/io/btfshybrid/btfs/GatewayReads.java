package io.btfshybrid.btfs;

import io.btfshybrid.api.HybridStorageException;
import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hc.core5.http.Header;

/** Reads through a gateway: {@code GET /btfs/<cid>} with {@code Range}, or one raw block. */
final class GatewayReads {
  private GatewayReads() {}

  static final long UNKNOWN = CheckedBodyStream.UNKNOWN_LENGTH;

  static InputStream range(BtfsNode node, Locator where, Cid cid, long offset, long length)
      throws IOException {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Range", "bytes=" + offset + "-" + (length >= 0 ? offset + length - 1 : ""));
    NodeReply response = get(node, cid, "", headers, where);
    try {
      int status = response.code();
      long contentLength = response.contentLength();
      InputStream body = response.body();
      if (status == 206) {
        long want = length >= 0 ? length : contentLength;
        CheckedBodyStream.ExpectedLength expected =
            () -> contentLength >= 0 ? contentLength : rangeTotal(response, offset, length);
        return new CheckedBodyStream(response, body, "gateway GET", where, want, expected);
      }
      if (status == 416) {
        long total = unsatisfiedTotal(response);
        if (offset == total) {
          response.close();
          return InputStream.nullInputStream();
        }
        throw new HybridStorageException(
            "offset " + offset + " is past the end of " + where + " (" + total + " bytes)");
      }
      if (status == 200) {
        long skipped = body.skip(offset);
        while (skipped < offset && body.read() >= 0) {
          skipped++;
        }
        // A gateway that ignores Range: skip to the offset ourselves. Without a Content-Length the
        // end of a whole-file body cannot be checked here; the caller's hashes still are.
        long left = contentLength < 0 ? -1 : Math.max(0, contentLength - offset);
        long want = length < 0 ? left : (left < 0 ? length : Math.min(length, left));
        InputStream limited = length < 0 ? body : new LimitedInputStream(body, length);
        return new CheckedBodyStream(
            response, limited, "gateway GET", where, want, () -> want < 0 ? UNKNOWN : want);
      }
      throw new HybridStorageException(
          "gateway answered HTTP " + status + " to a range request for " + where);
    } catch (IOException | RuntimeException e) {
      response.close();
      throw e;
    }
  }

  /** The size in a 416 answer's {@code Content-Range: bytes *}{@code /N}. */
  private static long unsatisfiedTotal(NodeReply response) throws IOException {
    Header range = response.header("Content-Range");
    String v = range == null ? "" : range.getValue().trim();
    int slash = v.lastIndexOf('/');
    try {
      return Long.parseLong(v.substring(slash + 1).trim());
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      throw new HybridStorageException(
          "gateway refused the range without saying the size: '" + v + "'");
    }
  }

  private static long rangeTotal(NodeReply response, long offset, long length) throws IOException {
    Header range = response.header("Content-Range");
    if (range != null) {
      String v = range.getValue();
      int slash = v.lastIndexOf('/');
      if (slash > 0 && !v.endsWith("*")) {
        long total = Long.parseLong(v.substring(slash + 1).trim());
        long left = Math.max(0, total - offset);
        return length < 0 ? left : Math.min(length, left);
      }
    }
    throw new HybridStorageException("gateway's partial answer has no usable length");
  }

  static byte[] rawBlock(BtfsNode node, Locator where, Cid cid) throws IOException {
    try (NodeReply response =
        get(node, cid, "?format=raw", Map.of("Accept", "application/vnd.ipld.raw"), where)) {
      if (response.code() != 200) {
        throw new HybridStorageException(
            "gateway answered HTTP " + response.code() + " for block " + cid);
      }
      return response.readAtMost("gateway GET", UnixFsReader.MAX_BLOCK_SIZE);
    }
  }

  private static NodeReply get(
      BtfsNode node, Cid cid, String query, Map<String, String> headers, Locator where)
      throws IOException {
    URI gateway = node.gatewayUrl();
    URI uri =
        URI.create(
            gateway.toString().replaceAll("/+$", "")
                + "/"
                + node.pathNamespace()
                + "/"
                + cid
                + query);
    Duration timeout = node.readTimeout();
    NodeReply response;
    try {
      response = node.rpc().get(uri, headers, timeout, "gateway GET of " + where);
    } catch (SocketTimeoutException e) {
      BtfsContentUnavailableException typed =
          new BtfsContentUnavailableException(where, "gateway gave no answer within " + timeout);
      typed.initCause(e);
      throw typed;
    }
    int status = response.code();
    if (status == 200 || status == 206 || (status == 416 && query.isEmpty())) {
      return response;
    }
    try (response) {
      String body = new String(response.body().readNBytes(4096), StandardCharsets.UTF_8).trim();
      if (status == 404 || status == 410) {
        throw new ObjectNotFoundException(where, "gateway HTTP " + status + ": " + body);
      }
      if (status == 504 || status == 408) {
        throw new BtfsContentUnavailableException(where, "gateway HTTP " + status + ": " + body);
      }
      throw new BtfsNodeException("gateway GET", status, body, -1);
    }
  }

  /** At most {@code limit} bytes of the wrapped stream. */
  private static final class LimitedInputStream extends java.io.FilterInputStream {
    private long left;

    LimitedInputStream(InputStream in, long limit) {
      super(in);
      this.left = limit;
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) {
        return -1;
      }
      int b = in.read();
      if (b >= 0) {
        left--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }
  }
}
