package io.btfshybrid.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The baseline: one {@code POST /api/v0/cat?arg=<cid>&offset=N&length=N} on a plain socket, its
 * body (chunked or not) drained by hand — no HTTP library, no checks beyond the byte count.
 */
final class RawHttpCat {
  private RawHttpCat() {}

  /** Drains the cat of {@code length} bytes from {@code offset}; returns how many arrived. */
  static long drain(URI api, String cid, long offset, long length, byte[] buf) throws IOException {
    try (Socket s = new Socket(api.getHost(), api.getPort())) {
      s.setSoTimeout(60_000);
      OutputStream out = s.getOutputStream();
      String target =
          "/api/v0/cat?arg=" + cid + "&offset=" + offset + "&length=" + length + "&timeout=30s";
      out.write(
          ("POST "
                  + target
                  + " HTTP/1.1\r\nHost: "
                  + api.getHost()
                  + ":"
                  + api.getPort()
                  + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
      String status = line(in);
      if (!status.startsWith("HTTP/1.1 200")) {
        throw new IOException("cat answered " + status);
      }
      boolean chunked = false;
      long contentLength = -1;
      for (String h = line(in); !h.isEmpty(); h = line(in)) {
        String lower = h.toLowerCase(Locale.ROOT);
        if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
          chunked = true;
        } else if (lower.startsWith("content-length:")) {
          contentLength = Long.parseLong(lower.substring(15).trim());
        }
      }
      return chunked ? drainChunked(in, buf) : drainPlain(in, contentLength, buf);
    }
  }

  private static long drainChunked(InputStream in, byte[] buf) throws IOException {
    long total = 0;
    while (true) {
      String size = line(in);
      int semi = size.indexOf(';');
      long chunk = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
      if (chunk == 0) {
        return total; // trailers, if any, are not wanted
      }
      total += skip(in, chunk, buf);
      line(in);
    }
  }

  private static long drainPlain(InputStream in, long contentLength, byte[] buf)
      throws IOException {
    if (contentLength >= 0) {
      return skip(in, contentLength, buf);
    }
    long total = 0;
    for (int n; (n = in.read(buf)) > 0; ) {
      total += n;
    }
    return total;
  }

  private static long skip(InputStream in, long n, byte[] buf) throws IOException {
    long left = n;
    while (left > 0) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (r < 0) {
        throw new EOFException("body cut short");
      }
      left -= r;
    }
    return n;
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(64);
    for (int c; (c = in.read()) != '\n'; ) {
      if (c < 0) {
        throw new EOFException("connection closed inside a line");
      }
      if (c != '\r') {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.US_ASCII);
  }
}
