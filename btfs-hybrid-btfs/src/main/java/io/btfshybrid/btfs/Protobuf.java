package io.btfshybrid.btfs;

import java.io.ByteArrayOutputStream;

/** The few protobuf wire-format pieces dag-pb and UnixFS need: varint and length-delimited. */
final class Protobuf {
  static final int VARINT = 0;
  static final int LENGTH_DELIMITED = 2;

  private Protobuf() {}

  static void writeVarintField(ByteArrayOutputStream out, int field, long value) {
    Varint.write(out, (long) field << 3 | VARINT);
    Varint.write(out, value);
  }

  static void writeBytesField(ByteArrayOutputStream out, int field, byte[] value) {
    writeBytesField(out, field, value, 0, value.length);
  }

  static void writeBytesField(
      ByteArrayOutputStream out, int field, byte[] value, int offset, int length) {
    Varint.write(out, (long) field << 3 | LENGTH_DELIMITED);
    Varint.write(out, length);
    out.write(value, offset, length);
  }

  /** A cursor over one message; throws IllegalArgumentException on malformed input. */
  static final class Reader {
    private final byte[] bytes;
    private int pos;
    private final int limit;
    private int field;
    private int wireType;

    Reader(byte[] bytes, int offset, int limit) {
      this.bytes = bytes;
      this.pos = offset;
      this.limit = limit;
    }

    /** Advances to the next field's tag; false at the end of the message. */
    boolean next() {
      if (pos >= limit) {
        return false;
      }
      long tag = readVarint();
      field = (int) (tag >>> 3);
      wireType = (int) (tag & 7);
      if (field == 0) {
        throw new IllegalArgumentException("protobuf field number 0 at byte " + pos);
      }
      return true;
    }

    boolean hasMore() {
      return pos < limit;
    }

    int field() {
      return field;
    }

    int wireType() {
      return wireType;
    }

    long readVarint() {
      Varint.Decoded d = Varint.read(bytes, pos, limit);
      pos = d.next();
      return d.value();
    }

    /** Reads a length-delimited value, returning its start; {@link #lastLength()} is its size. */
    int readDelimitedStart() {
      long length = readVarint();
      if (length < 0 || length > limit - pos) {
        throw new IllegalArgumentException(
            "protobuf length " + length + " runs past the end of the message at byte " + pos);
      }
      int start = pos;
      lastLength = (int) length;
      pos += (int) length;
      return start;
    }

    private int lastLength;

    int lastLength() {
      return lastLength;
    }

    byte[] bytes() {
      return bytes;
    }

    void expect(int expectedWireType) {
      if (wireType != expectedWireType) {
        throw new IllegalArgumentException(
            "protobuf field "
                + field
                + " has wire type "
                + wireType
                + ", expected "
                + expectedWireType);
      }
    }

    void skip() {
      switch (wireType) {
        case VARINT -> readVarint();
        case LENGTH_DELIMITED -> readDelimitedStart();
        case 1 -> skipBytes(8);
        case 5 -> skipBytes(4);
        default ->
            throw new IllegalArgumentException(
                "unsupported protobuf wire type " + wireType + " for field " + field);
      }
    }

    private void skipBytes(int n) {
      if (limit - pos < n) {
        throw new IllegalArgumentException("truncated protobuf field " + field);
      }
      pos += n;
    }
  }
}
