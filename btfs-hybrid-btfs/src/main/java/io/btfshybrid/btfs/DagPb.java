package io.btfshybrid.btfs;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The dag-pb codec, byte-exact with go-merkledag and js-dag-pb: a PBNode writes its Links (field 2)
 * before its Data (field 1); each PBLink writes Hash (1), Name (2, always present) and Tsize (3).
 */
final class DagPb {
  private DagPb() {}

  /** One link of a dag-pb node. */
  record Link(Cid cid, String name, long tsize) {}

  /** A decoded dag-pb node; {@code data} is null when the node has no Data field. */
  @SuppressWarnings(
      "ArrayRecordComponent") // internal value; its array is never compared or exposed to callers
  record Node(List<Link> links, byte[] data) {}

  static byte[] encode(List<Link> links, byte[] data) {
    ByteArrayOutputStream out =
        new ByteArrayOutputStream(64 + links.size() * 48 + (data == null ? 0 : data.length));
    for (Link link : links) {
      ByteArrayOutputStream l = new ByteArrayOutputStream(48);
      Protobuf.writeBytesField(l, 1, link.cid().toBytes());
      Protobuf.writeBytesField(l, 2, link.name().getBytes(StandardCharsets.UTF_8));
      Protobuf.writeVarintField(l, 3, link.tsize());
      Protobuf.writeBytesField(out, 2, l.toByteArray());
    }
    if (data != null) {
      Protobuf.writeBytesField(out, 1, data);
    }
    return out.toByteArray();
  }

  /** Decodes a dag-pb block, throwing IllegalArgumentException when it is not one. */
  static Node decode(byte[] block) {
    Protobuf.Reader r = new Protobuf.Reader(block, 0, block.length);
    List<Link> links = new ArrayList<>();
    byte[] data = null;
    while (r.next()) {
      switch (r.field()) {
        case 1 -> {
          r.expect(Protobuf.LENGTH_DELIMITED);
          int start = r.readDelimitedStart();
          data = Arrays.copyOfRange(block, start, start + r.lastLength());
        }
        case 2 -> {
          r.expect(Protobuf.LENGTH_DELIMITED);
          int start = r.readDelimitedStart();
          links.add(decodeLink(block, start, start + r.lastLength()));
        }
        default -> throw new IllegalArgumentException("dag-pb node has unknown field " + r.field());
      }
    }
    return new Node(links, data);
  }

  private static Link decodeLink(byte[] block, int from, int to) {
    Protobuf.Reader r = new Protobuf.Reader(block, from, to);
    Cid cid = null;
    String name = "";
    long tsize = 0;
    while (r.next()) {
      switch (r.field()) {
        case 1 -> {
          r.expect(Protobuf.LENGTH_DELIMITED);
          int start = r.readDelimitedStart();
          cid = Cid.fromBytes(Arrays.copyOfRange(block, start, start + r.lastLength()));
        }
        case 2 -> {
          r.expect(Protobuf.LENGTH_DELIMITED);
          int start = r.readDelimitedStart();
          name = new String(block, start, r.lastLength(), StandardCharsets.UTF_8);
        }
        case 3 -> {
          r.expect(Protobuf.VARINT);
          tsize = r.readVarint();
        }
        default -> throw new IllegalArgumentException("dag-pb link has unknown field " + r.field());
      }
    }
    if (cid == null) {
      throw new IllegalArgumentException("dag-pb link without a Hash");
    }
    return new Link(cid, name, tsize);
  }
}
