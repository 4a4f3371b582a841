package io.btfshybrid.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.btfshybrid.btfs.Cid;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the simulator answers (its {@code MockResponse}s): JSON values and go-btfs JSON errors,
 * streamed bodies with the switched-on faults applied, CAR streams, and go-btfs's wait for the
 * request's {@code timeout}; plus reading a request's arguments as go-btfs does.
 */
final class BtfsSimResponses {
  static final String TRAILER = "X-Stream-Error";
  static final int PIECE = 64 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern GO_DURATION_PART =
      Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

  private final BtfsSimFaults faults;

  BtfsSimResponses(BtfsSimFaults faults) {
    this.faults = faults;
  }

  static ObjectMapper mapper() {
    return JSON;
  }

  // ------------------------------------------------------------------------------------ bodies

  void json(BtfsSimHttpServer.Exchange ex, Object value) throws IOException {
    ex.sendText(200, "application/json", JSON.writeValueAsString(value) + "\n");
  }

  void error(BtfsSimHttpServer.Exchange ex, int status, String message, int code)
      throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("Message", message);
    body.put("Code", code);
    body.put("Type", "error");
    ex.sendText(status, "application/json", JSON.writeValueAsString(body) + "\n");
  }

  /**
   * Writes a chunked body with the slow, corrupt, truncate and stream-error faults applied; the
   * body is the file's bytes from {@code fileOffset}.
   */
  void streamBody(BtfsSimHttpServer.Exchange ex, InputStream content, long fileOffset, long total)
      throws IOException {
    long corruptAt = faults.corruptCatAt;
    byte[] piece = new byte[PIECE];
    long sent = 0;
    long errorAt = faults.streamErrorAfter;
    long truncateAt = faults.truncateBodiesAfter;
    while (sent < total) {
      long limit = total - sent;
      if (errorAt >= 0) {
        limit = Math.min(limit, errorAt - sent);
      }
      if (truncateAt >= 0) {
        limit = Math.min(limit, truncateAt - sent);
      }
      if (limit <= 0) {
        break;
      }
      int n = content.readNBytes(piece, 0, (int) Math.min(piece.length, limit));
      if (n <= 0) {
        break;
      }
      if (faults.corruptBlocks && sent == 0) {
        piece[0] ^= 0x01;
      }
      long here = corruptAt - fileOffset - sent;
      if (here >= 0 && here < n) {
        piece[(int) here] ^= 0x01;
      }
      slowPiece();
      ex.writeChunk(piece, 0, n);
      sent += n;
    }
    if (errorAt >= 0 && sent < total) {
      ex.endChunked(Map.of(TRAILER, "simulated stream failure after " + sent + " bytes"));
    } else {
      ex.endChunked(Map.of());
    }
  }

  /** Writes {@code count} bytes of a sized body, pausing before each piece when bodies are slow. */
  void sizedBody(BtfsSimHttpServer.Exchange ex, InputStream content, long count)
      throws IOException {
    byte[] piece = new byte[PIECE];
    long sent = 0;
    while (sent < count) {
      int n = content.readNBytes(piece, 0, (int) Math.min(piece.length, count - sent));
      if (n <= 0) {
        break;
      }
      slowPiece();
      ex.writeRaw(piece, 0, n);
      sent += n;
    }
  }

  private void slowPiece() {
    Duration pause = faults.slowBodies;
    if (!pause.isZero()) {
      faults.pause(pause);
    }
  }

  /** A block, with a flipped bit when blocks (or this one) are corrupted. */
  byte[] maybeCorrupt(Cid cid, byte[] block) {
    if ((faults.corruptBlocks || faults.corruptOnly.contains(cid)) && block.length > 0) {
      byte[] copy = block.clone();
      copy[copy.length / 2] ^= 0x01;
      return copy;
    }
    return block;
  }

  /** Ends a started chunked answer as go-btfs does when content stops arriving mid-body. */
  void failMidBody(BtfsSimHttpServer.Exchange ex) throws IOException {
    faults.pause(timeoutOf(ex));
    ex.endChunked(Map.of(TRAILER, "context deadline exceeded"));
  }

  /**
   * As go-btfs: wait for the content until the request's timeout, then fail; no timeout, no end.
   */
  void hangUntilTimeout(BtfsSimHttpServer.Exchange ex) throws IOException {
    Duration timeout = timeoutOf(ex);
    if (timeout == null) {
      faults.awaitClose(Duration.ofMinutes(10));
      return;
    }
    if (!faults.awaitClose(timeout)) {
      error(ex, 500, "context deadline exceeded", 0);
    }
  }

  // ---------------------------------------------------------------------------------- requests

  static Duration timeoutOf(BtfsSimHttpServer.Exchange ex) {
    String t = ex.param("timeout");
    return t == null || t.isEmpty() ? null : parseGoDuration(t);
  }

  /** Parses Go durations such as {@code 30s}, {@code 1500ms} or {@code 1m30s}. */
  static Duration parseGoDuration(String text) {
    Matcher m = GO_DURATION_PART.matcher(text);
    long nanos = 0;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        throw new IllegalArgumentException("time: invalid duration \"" + text + "\"");
      }
      end = m.end();
      double n = Double.parseDouble(m.group(1));
      double unit =
          switch (m.group(2)) {
            case "ns" -> 1;
            case "us", "µs" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m" -> 60e9;
            default -> 3600e9;
          };
      nanos += (long) (n * unit);
    }
    if (end != text.length() || end == 0) {
      throw new IllegalArgumentException("time: invalid duration \"" + text + "\"");
    }
    return Duration.ofNanos(nanos);
  }

  static Cid cidArg(BtfsSimHttpServer.Exchange ex) {
    return Cid.parse(stripPath(required(ex, "arg")));
  }

  static String stripPath(String arg) {
    String a = arg;
    if (a.startsWith("/btfs/")) {
      a = a.substring("/btfs/".length());
    } else if (a.startsWith("/ipfs/")) {
      throw new IllegalArgumentException(
          "invalid path \"" + arg + "\": /ipfs/ paths are not BTFS paths");
    }
    return firstSegment(a);
  }

  static String required(BtfsSimHttpServer.Exchange ex, String name) {
    String value = ex.param(name);
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("argument \"" + name + "\" is required");
    }
    return value;
  }

  static String orDefault(String value, String fallback) {
    return value == null || value.isEmpty() ? fallback : value;
  }

  static String firstSegment(String path) {
    int slash = path.indexOf('/');
    return slash < 0 ? path : path.substring(0, slash);
  }

  // ----------------------------------------------------------------------------------- CAR out

  /** A chunked body as an OutputStream, holding back one byte so the last can be flipped. */
  static final class ChunkedOut extends OutputStream {
    private final BtfsSimHttpServer.Exchange ex;
    private final boolean flipLast;
    private final byte[] buffer = new byte[PIECE];
    private int filled;
    private int held = -1;

    ChunkedOut(BtfsSimHttpServer.Exchange ex, boolean flipLast) {
      this.ex = ex;
      this.flipLast = flipLast;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return;
      }
      if (held >= 0) {
        append(new byte[] {(byte) held}, 0, 1);
      }
      append(b, off, len - 1);
      held = b[off + len - 1] & 0xFF;
    }

    private void append(byte[] b, int off, int len) throws IOException {
      int pos = off;
      int left = len;
      while (left > 0) {
        int n = Math.min(left, buffer.length - filled);
        System.arraycopy(b, pos, buffer, filled, n);
        filled += n;
        pos += n;
        left -= n;
        if (filled == buffer.length) {
          ex.writeChunk(buffer, 0, filled);
          filled = 0;
        }
      }
    }

    void finish() throws IOException {
      if (held >= 0) {
        append(new byte[] {(byte) (flipLast ? held ^ 0x01 : held)}, 0, 1);
        held = -1;
      }
      ex.writeChunk(buffer, 0, filled);
      filled = 0;
    }
  }
}
