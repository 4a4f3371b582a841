package io.btfshybrid.core.samples;

import java.nio.charset.StandardCharsets;

/**
 * A WebDataset tar, parsed as it streams by: ustar, GNU long names and PAX {@code path}/{@code
 * size} records. Regular members are grouped into samples by key (TarSamples); directories, links
 * and global headers carry no sample bytes. The archive ends at the first all-zero header.
 */
final class TarIndexer implements SampleIndexer {
  private static final int BLOCK = 512;

  /** Bounds the extended headers (PAX, GNU long names) held while parsing. */
  private static final int MAX_EXTENDED_HEADER = 1 << 20;

  private final String path;
  private final TarSamples samples;
  private final byte[] header = new byte[BLOCK];
  private int headerFill;
  private long position;
  private long headerStart;
  private boolean ended;

  /** Bytes of the current member's data and padding still to pass. */
  private long skip;

  /** The current member's data, when it is an extended header we must read. */
  private byte[] capture;

  private int captureFill;
  private char captureType;
  private String longName;
  private String paxPath;
  private long paxSize = -1;

  TarIndexer(String path) {
    this.path = path;
    this.samples = new TarSamples(path);
  }

  @Override
  public void update(byte[] bytes, int off, int len) throws SampleFormatException {
    int i = off;
    int end = off + len;
    while (i < end) {
      if (ended) {
        position += end - i;
        return;
      }
      if (skip > 0) {
        int take = (int) Math.min(skip, end - i);
        if (capture != null && captureFill < capture.length) {
          int keep = Math.min(take, capture.length - captureFill);
          System.arraycopy(bytes, i, capture, captureFill, keep);
          captureFill += keep;
        }
        i += take;
        position += take;
        skip -= take;
        if (skip == 0 && capture != null) {
          extendedHeaderDone();
        }
        continue;
      }
      if (headerFill == 0) {
        headerStart = position;
      }
      int take = Math.min(BLOCK - headerFill, end - i);
      System.arraycopy(bytes, i, header, headerFill, take);
      headerFill += take;
      i += take;
      position += take;
      if (headerFill == BLOCK) {
        headerFill = 0;
        header();
      }
    }
  }

  private void header() throws SampleFormatException {
    if (allZero()) {
      ended = true;
      return;
    }
    checkChecksum();
    long size = sizeField();
    char type = (char) (header[156] & 0xFF);
    long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
    switch (type) {
      case 'x', 'L' -> {
        if (size > MAX_EXTENDED_HEADER) {
          throw error(headerStart, "extended header of " + size + " bytes is too long");
        }
        capture = new byte[(int) size];
        captureFill = 0;
        captureType = type;
        skip = padded;
        if (skip == 0) {
          extendedHeaderDone();
        }
        return;
      }
      case '0', '\0', '7' -> {
        String name = memberName();
        if (paxSize >= 0) {
          size = paxSize;
          padded = (size + BLOCK - 1) / BLOCK * BLOCK;
        }
        samples.member(name, headerStart + BLOCK, size, headerStart);
      }
      case 'S' -> throw error(headerStart, "sparse tar members are not supported");
      default -> memberName(); // directories, links, devices, global headers: no sample bytes
    }
    paxSize = -1;
    skip = padded;
  }

  private void extendedHeaderDone() throws SampleFormatException {
    byte[] data = capture;
    capture = null;
    if (captureType == 'L') {
      int n = data.length;
      while (n > 0 && data[n - 1] == 0) {
        n--;
      }
      longName = new String(data, 0, n, StandardCharsets.UTF_8);
    } else {
      pax(data);
    }
  }

  /** PAX records: {@code "<len> <key>=<value>\n"}, where len counts the whole record. */
  private void pax(byte[] data) throws SampleFormatException {
    int i = 0;
    while (i < data.length) {
      int space = i;
      long len = 0;
      while (space < data.length && data[space] >= '0' && data[space] <= '9') {
        len = len * 10 + (data[space] - '0');
        space++;
      }
      if (space == i || space >= data.length || data[space] != ' ' || len <= 0) {
        throw error(headerStart, "malformed PAX record");
      }
      if (len > data.length - i) {
        throw error(headerStart, "PAX record runs past its header");
      }
      String record =
          new String(data, space + 1, (int) (i + len - space - 2), StandardCharsets.UTF_8);
      int eq = record.indexOf('=');
      if (eq > 0) {
        String key = record.substring(0, eq);
        String value = record.substring(eq + 1);
        if (key.equals("path")) {
          paxPath = value;
        } else if (key.equals("size")) {
          try {
            paxSize = Long.parseLong(value);
          } catch (NumberFormatException e) {
            throw error(headerStart, "PAX size '" + value + "' is not a number");
          }
        }
      }
      i += (int) len;
    }
  }

  private String memberName() {
    String name;
    if (paxPath != null) {
      name = paxPath;
    } else if (longName != null) {
      name = longName;
    } else {
      name = cString(0, 100);
      boolean ustar = header[257] == 'u' && header[258] == 's' && header[259] == 't';
      String prefix = ustar ? cString(345, 155) : "";
      if (!prefix.isEmpty()) {
        name = prefix + "/" + name;
      }
    }
    paxPath = null;
    longName = null;
    return name;
  }

  private String cString(int from, int max) {
    int n = 0;
    while (n < max && header[from + n] != 0) {
      n++;
    }
    return new String(header, from, n, StandardCharsets.UTF_8);
  }

  private boolean allZero() {
    for (byte b : header) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private void checkChecksum() throws SampleFormatException {
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < BLOCK; i++) {
      int b = (i >= 148 && i < 156) ? ' ' : header[i];
      unsigned += b & 0xFF;
      signed += b;
    }
    long stored = octal(148, 8, "checksum");
    if (stored != unsigned && stored != signed) {
      throw error(
          headerStart,
          "tar header checksum " + stored + " does not match its bytes (" + unsigned + ")");
    }
  }

  private long sizeField() throws SampleFormatException {
    if ((header[124] & 0x80) != 0) {
      // base-256 (GNU/star) for sizes of 8 GiB and more
      long v = header[124] & 0x7F;
      for (int i = 125; i < 136; i++) {
        if ((v >>> 55) != 0) {
          throw error(headerStart, "tar member size does not fit 63 bits");
        }
        v = (v << 8) | (header[i] & 0xFF);
      }
      return v;
    }
    return octal(124, 12, "size");
  }

  private long octal(int from, int len, String field) throws SampleFormatException {
    int i = from;
    int end = from + len;
    while (i < end && header[i] == ' ') {
      i++;
    }
    long v = 0;
    boolean digits = false;
    for (; i < end && header[i] != 0 && header[i] != ' '; i++) {
      int d = header[i] - '0';
      if (d < 0 || d > 7) {
        throw error(headerStart, "tar " + field + " field is not octal");
      }
      v = v * 8 + d;
      digits = true;
    }
    if (!digits) {
      throw error(headerStart, "tar " + field + " field is empty");
    }
    return v;
  }

  private SampleFormatException error(long offset, String detail) {
    return new SampleFormatException(path, offset, detail);
  }

  @Override
  public SampleIndex finish() throws SampleFormatException {
    if (!ended && (headerFill != 0 || skip > 0 || capture != null)) {
      long at = headerFill != 0 || capture != null ? headerStart : position;
      throw error(at, "the tar ends inside a header or member (" + position + " bytes in all)");
    }
    return samples.finish();
  }
}
