package io.btfshybrid.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Streams the first file part of a multipart/form-data body, without holding it in memory. */
final class BtfsSimMultipart {
  private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?");
  private static final Pattern FILENAME = Pattern.compile("filename=\"([^\"]*)\"");
  private static final int WINDOW = 64 * 1024;

  private BtfsSimMultipart() {}

  static String boundary(String contentType) throws IOException {
    if (contentType == null
        || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      throw new IOException("add wants multipart/form-data, got " + contentType);
    }
    Matcher m = BOUNDARY.matcher(contentType);
    if (!m.find()) {
      throw new IOException("no boundary in " + contentType);
    }
    return m.group(1);
  }

  /** Copies the first part's content to {@code sink}; returns its file name ("" if none). */
  static String copyFirstPart(InputStream body, String boundary, OutputStream sink)
      throws IOException {
    String opening = "--" + boundary;
    for (String line = BtfsSimHttpServer.Exchange.readLine(body);
        ;
        line = BtfsSimHttpServer.Exchange.readLine(body)) {
      if (line == null) {
        throw new IOException("multipart body has no part");
      }
      if (line.equals(opening)) {
        break;
      }
    }
    String fileName = "";
    for (String line = BtfsSimHttpServer.Exchange.readLine(body);
        line != null && !line.isEmpty();
        line = BtfsSimHttpServer.Exchange.readLine(body)) {
      Matcher m = FILENAME.matcher(line);
      if (line.toLowerCase(Locale.ROOT).startsWith("content-disposition") && m.find()) {
        fileName = m.group(1);
      }
    }
    byte[] delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
    byte[] buf = new byte[WINDOW + delimiter.length];
    int filled = 0;
    while (true) {
      int n = body.read(buf, filled, buf.length - filled);
      if (n > 0) {
        filled += n;
      }
      if (n >= 0 && filled < buf.length) {
        continue;
      }
      int at = indexOf(buf, filled, delimiter);
      if (at >= 0) {
        sink.write(buf, 0, at);
        body.transferTo(OutputStream.nullOutputStream());
        return fileName;
      }
      if (n < 0) {
        throw new IOException("multipart body ended before its closing boundary");
      }
      int keep = Math.min(filled, delimiter.length - 1);
      int emit = filled - keep;
      if (emit > 0 && filled == buf.length) {
        sink.write(buf, 0, emit);
        System.arraycopy(buf, emit, buf, 0, keep);
        filled = keep;
      }
    }
  }

  private static int indexOf(byte[] haystack, int length, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
