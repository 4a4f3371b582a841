package io.btfshybrid.btfs;

import io.btfshybrid.api.IntegrityException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes a DAG as a CARv1 stream, as {@code dag/export} does: a DAG-CBOR header naming the root,
 * then every block once, depth first (a node before its children, children in link order), each
 * proven against its CID before it is written.
 */
public final class Car {
  private Car() {}

  /** Exports the DAG under {@code root}, read from {@code blocks}, to {@code out}. */
  public static void export(BlockSource blocks, Cid root, OutputStream out) throws IOException {
    byte[] header = header(root);
    ByteArrayOutputStream length = new ByteArrayOutputStream(10);
    Varint.write(length, header.length);
    out.write(length.toByteArray());
    out.write(header);
    Set<Cid> written = new HashSet<>();
    Deque<Cid> pending = new ArrayDeque<>();
    pending.push(root);
    while (!pending.isEmpty()) {
      Cid cid = pending.pop();
      if (!written.add(cid)) {
        continue;
      }
      byte[] block = blocks.get(cid);
      if (!cid.matches(block)) {
        throw new IntegrityException(
            root.toString(), 0, null, "block " + cid + " does not hash to its CID");
      }
      byte[] cidBytes = cid.toBytes();
      ByteArrayOutputStream section = new ByteArrayOutputStream(10);
      Varint.write(section, (long) cidBytes.length + block.length);
      out.write(section.toByteArray());
      out.write(cidBytes);
      out.write(block);
      if (cid.codec() == Cid.DAG_PB) {
        List<DagPb.Link> links;
        try {
          links = DagPb.decode(block).links();
        } catch (IllegalArgumentException e) {
          throw new IntegrityException(
              root.toString(), 0, null, "block " + cid + " is not dag-pb: " + e.getMessage());
        }
        for (int i = links.size() - 1; i >= 0; i--) {
          pending.push(links.get(i).cid());
        }
      }
    }
    out.flush();
  }

  /** {@code {"roots": [root], "version": 1}} in DAG-CBOR (keys sorted by length). */
  static byte[] header(Cid root) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    out.write(0xa2);
    text(out, "roots");
    out.write(0x81);
    out.write(0xd8);
    out.write(42);
    byte[] cid = root.toBytes();
    int length = cid.length + 1;
    if (length < 24) {
      out.write(0x40 | length);
    } else {
      out.write(0x58);
      out.write(length);
    }
    out.write(0x00);
    out.writeBytes(cid);
    text(out, "version");
    out.write(0x01);
    return out.toByteArray();
  }

  private static void text(ByteArrayOutputStream out, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    out.write(0x60 | b.length);
    out.writeBytes(b);
  }
}
