package io.btfshybrid.btfs;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the blocks of a CARv1 stream ({@code dag/export}) to a reader that asks for them in the
 * same depth-first order, and everything else — blocks the CAR left out because it already sent
 * them, or a CAR in an unexpected order — from a fallback source. Holds one block at a time and the
 * set of CIDs seen; the caller verifies every block against its CID.
 */
final class CarBlockSource implements BlockSource, Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(CarBlockSource.class);
  private static final int MAX_HEADER = 64 * 1024;

  private final Closeable resource;
  private final BlockSource fallback;
  private final Set<Cid> seen = new HashSet<>();
  private InputStream car;

  CarBlockSource(InputStream car, Closeable resource, BlockSource fallback) {
    this.car = new BufferedInputStream(car, 64 * 1024);
    this.resource = resource;
    this.fallback = fallback;
  }

  @Override
  public byte[] get(Cid cid) throws IOException {
    if (car != null && !seen.contains(cid)) {
      try {
        if (seen.isEmpty()) {
          skipHeader();
        }
        Section next = nextSection();
        if (next != null && next.cid().sameMultihash(cid)) {
          seen.add(cid);
          return next.block();
        }
        LOG.debug(
            "CAR stream gave {} where {} was expected; reading blocks one by one",
            next == null ? "its end" : next.cid(),
            cid);
      } catch (IOException | IllegalArgumentException e) {
        LOG.debug("CAR stream unusable ({}); reading blocks one by one", e.toString());
      }
      abandon();
    }
    return fallback.get(cid);
  }

  private void skipHeader() throws IOException {
    long length = readVarint(true);
    if (length < 0 || length > MAX_HEADER) {
      throw new IOException("CAR header of " + length + " bytes");
    }
    car.skipNBytes(length);
  }

  /** The next section, or null at the end of the stream. */
  private Section nextSection() throws IOException {
    long length = readVarint(false);
    if (length < 0) {
      return null;
    }
    if (length > UnixFsReader.MAX_BLOCK_SIZE + 128) {
      throw new IOException("CAR section of " + length + " bytes");
    }
    byte[] section = car.readNBytes((int) length);
    if (section.length != length) {
      throw new EOFException("CAR section cut short");
    }
    int cidLength = cidLength(section);
    byte[] cidBytes = java.util.Arrays.copyOfRange(section, 0, cidLength);
    byte[] block = java.util.Arrays.copyOfRange(section, cidLength, section.length);
    return new Section(Cid.fromBytes(cidBytes), block);
  }

  /** The length of the binary CID at the start of a section. */
  private static int cidLength(byte[] section) {
    if (section.length >= 34 && section[0] == 0x12 && section[1] == 0x20) {
      return 34;
    }
    Varint.Decoded version = Varint.read(section, 0, section.length);
    Varint.Decoded codec = Varint.read(section, version.next(), section.length);
    Varint.Decoded hash = Varint.read(section, codec.next(), section.length);
    Varint.Decoded digestLength = Varint.read(section, hash.next(), section.length);
    long end = digestLength.next() + digestLength.value();
    if (end > section.length) {
      throw new IllegalArgumentException("CAR section CID runs past the section");
    }
    return (int) end;
  }

  /** A varint from the stream; -1 at a clean end when {@code required} is false. */
  private long readVarint(boolean required) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(10);
    while (true) {
      int b = car.read();
      if (b < 0) {
        if (bytes.size() == 0 && !required) {
          return -1;
        }
        throw new EOFException("CAR stream ended inside a varint");
      }
      bytes.write(b);
      if ((b & 0x80) == 0) {
        byte[] v = bytes.toByteArray();
        return Varint.read(v, 0, v.length).value();
      }
      if (bytes.size() > 9) {
        throw new IOException("CAR varint too long");
      }
    }
  }

  private void abandon() {
    car = null;
    try {
      resource.close();
    } catch (IOException e) {
      LOG.debug("closing the CAR stream failed", e);
    }
  }

  @Override
  public void close() {
    if (car != null) {
      abandon();
    }
  }

  @SuppressWarnings(
      "ArrayRecordComponent") // internal value; its array is never compared or exposed to callers
  private record Section(Cid cid, byte[] block) {}
}
