package io.btfshybrid.btfs;

import java.io.ByteArrayOutputStream;

/** Unsigned LEB128 varints, as used by multiformats and protobuf. */
final class Varint {
  private Varint() {}

  static void write(ByteArrayOutputStream out, long value) {
    long v = value;
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  static int size(long value) {
    int n = 1;
    long v = value;
    while ((v & ~0x7FL) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }

  /** A decoded varint and the position just after it. */
  record Decoded(long value, int next) {}

  static Decoded read(byte[] bytes, int pos, int limit) {
    long value = 0;
    int shift = 0;
    int p = pos;
    while (true) {
      if (p >= limit) {
        throw new IllegalArgumentException("truncated varint at byte " + pos);
      }
      if (shift > 63) {
        throw new IllegalArgumentException("varint longer than 64 bits at byte " + pos);
      }
      int b = bytes[p++] & 0xFF;
      value |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return new Decoded(value, p);
      }
      shift += 7;
    }
  }
}
