package io.btfshybrid.btfs;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The UnixFS {@code Data} message carried in a dag-pb node's Data field: Type (1), Data (2),
 * filesize (3), blocksizes (4, repeated).
 */
@SuppressWarnings(
    "ArrayRecordComponent") // internal value; its array is never compared or exposed to callers
record UnixFsData(int type, byte[] data, long fileSize, List<Long> blockSizes) {
  static final int TYPE_RAW = 0;
  static final int TYPE_DIRECTORY = 1;
  static final int TYPE_FILE = 2;

  /** A leaf File node holding {@code length} bytes of content (no Data field when empty). */
  static byte[] encodeLeaf(byte[] content, int offset, int length) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(length + 16);
    Protobuf.writeVarintField(out, 1, TYPE_FILE);
    if (length > 0) {
      Protobuf.writeBytesField(out, 2, content, offset, length);
    }
    Protobuf.writeVarintField(out, 3, length);
    return out.toByteArray();
  }

  /** An internal File node: no data of its own, the total size and each child's size. */
  static byte[] encodeInternal(long fileSize, long[] blockSizes, int count) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 + count * 5);
    Protobuf.writeVarintField(out, 1, TYPE_FILE);
    Protobuf.writeVarintField(out, 3, fileSize);
    for (int i = 0; i < count; i++) {
      Protobuf.writeVarintField(out, 4, blockSizes[i]);
    }
    return out.toByteArray();
  }

  /** Decodes the message, throwing IllegalArgumentException when it is malformed. */
  static UnixFsData decode(byte[] bytes) {
    Protobuf.Reader r = new Protobuf.Reader(bytes, 0, bytes.length);
    int type = -1;
    byte[] data = null;
    long fileSize = -1;
    List<Long> blockSizes = new ArrayList<>();
    while (r.next()) {
      switch (r.field()) {
        case 1 -> {
          r.expect(Protobuf.VARINT);
          type = (int) r.readVarint();
        }
        case 2 -> {
          r.expect(Protobuf.LENGTH_DELIMITED);
          int start = r.readDelimitedStart();
          data = Arrays.copyOfRange(bytes, start, start + r.lastLength());
        }
        case 3 -> {
          r.expect(Protobuf.VARINT);
          fileSize = r.readVarint();
        }
        case 4 -> {
          if (r.wireType() == Protobuf.LENGTH_DELIMITED) {
            int start = r.readDelimitedStart();
            Protobuf.Reader packed = new Protobuf.Reader(bytes, start, start + r.lastLength());
            while (packed.hasMore()) {
              blockSizes.add(packed.readVarint());
            }
          } else {
            r.expect(Protobuf.VARINT);
            blockSizes.add(r.readVarint());
          }
        }
        default -> r.skip();
      }
    }
    if (type < 0) {
      throw new IllegalArgumentException("UnixFS data without a Type");
    }
    byte[] content = data == null ? new byte[0] : data;
    if (fileSize < 0) {
      long sum = content.length;
      for (long s : blockSizes) {
        sum += s;
      }
      fileSize = sum;
    }
    return new UnixFsData(type, content, fileSize, List.copyOf(blockSizes));
  }
}
