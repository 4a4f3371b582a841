package io.btfshybrid.btfs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.AbstractHttpEntity;

/**
 * The body of {@code add}: one multipart/form-data file part streamed straight from the caller's
 * stream (chunked, never buffered whole), with every byte also written to a tee — the local CID
 * builder — in the same pass.
 */
final class MultipartAddEntity extends AbstractHttpEntity {
  private static final int BUFFER = 64 * 1024;

  private final String boundary;
  private final String fileName;
  private final InputStream source;
  private final long size;
  private final OutputStream tee;
  private boolean consumed;

  MultipartAddEntity(String fileName, InputStream source, long size, OutputStream tee) {
    this(
        "btfs-hybrid-" + UUID.randomUUID().toString().replace("-", ""),
        fileName,
        source,
        size,
        tee);
  }

  private MultipartAddEntity(
      String boundary, String fileName, InputStream source, long size, OutputStream tee) {
    super(
        ContentType.create("multipart/form-data")
            .withParameters(
                new org.apache.hc.core5.http.message.BasicNameValuePair("boundary", boundary)),
        null,
        true);
    this.boundary = boundary;
    this.fileName = fileName;
    this.source = source;
    this.size = size;
    this.tee = tee;
  }

  /** A file name the node accepts: the key's last segment, limited to safe characters. */
  static String safeFileName(String key) {
    String last = key.substring(key.lastIndexOf('/') + 1);
    String safe = last.replaceAll("[^A-Za-z0-9._-]", "_");
    return safe.isEmpty() ? "object" : safe;
  }

  @Override
  public void writeTo(OutputStream out) throws IOException {
    if (consumed) {
      throw new IOException(
          "the content of '" + fileName + "' was already sent; it cannot be replayed");
    }
    consumed = true;
    String head =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
            + fileName
            + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    byte[] buffer = new byte[BUFFER];
    long copied = 0;
    while (size < 0 || copied < size) {
      int want = size < 0 ? buffer.length : (int) Math.min(buffer.length, size - copied);
      int n = source.read(buffer, 0, want);
      if (n < 0) {
        if (size >= 0) {
          throw new IOException(
              "the content of '" + fileName + "' ended after " + copied + " of " + size + " bytes");
        }
        break;
      }
      out.write(buffer, 0, n);
      tee.write(buffer, 0, n);
      copied += n;
    }
    out.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  @Override
  public InputStream getContent() {
    throw new UnsupportedOperationException("the add body is written, not read");
  }

  @Override
  public long getContentLength() {
    return -1;
  }

  @Override
  public boolean isRepeatable() {
    return false;
  }

  @Override
  public boolean isStreaming() {
    return !consumed;
  }

  @Override
  public void close() {}
}
