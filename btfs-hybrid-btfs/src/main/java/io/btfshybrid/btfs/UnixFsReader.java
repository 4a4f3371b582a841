package io.btfshybrid.btfs;

import io.btfshybrid.api.HybridStorageException;
import io.btfshybrid.api.IntegrityException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * Streams a byte range of a UnixFS file block by block, verifying every block against the CID that
 * names it before using it, and skipping whole subtrees outside the range by their blocksizes.
 * Holds one path from the root (at most 174 links per level) and one leaf.
 */
final class UnixFsReader extends PieceStream {
  static final int MAX_BLOCK_SIZE = 4 << 20;
  private static final int MAX_DEPTH = 32;

  private final BlockSource source;
  private final java.io.Closeable onClose;
  private final Cid root;
  private final String tierId;
  private final Deque<Frame> stack = new ArrayDeque<>();
  private final long end;
  private final long fileSize;
  private long position;

  UnixFsReader(BlockSource source, Cid root, long offset, long length, String tierId)
      throws IOException {
    this(source, root, offset, length, tierId, () -> {});
  }

  /** As above, closing {@code onClose} (e.g. the stream behind the blocks) when closed. */
  UnixFsReader(
      BlockSource source,
      Cid root,
      long offset,
      long length,
      String tierId,
      java.io.Closeable onClose)
      throws IOException {
    this.source = Objects.requireNonNull(source, "source");
    this.onClose = onClose;
    this.root = Objects.requireNonNull(root, "root");
    this.tierId = tierId;
    if (offset < 0 || length < -1) {
      throw new IllegalArgumentException(
          "bad range of " + root + ": offset " + offset + ", length " + length);
    }
    Decoded top = fetch(root, 0);
    this.fileSize = top.size();
    if (offset > fileSize) {
      throw new HybridStorageException(
          "offset " + offset + " is past the end of " + root + " (" + fileSize + " bytes)");
    }
    this.position = offset;
    this.end = length < 0 ? fileSize : Math.min(fileSize, offset + length);
    enter(top, 0);
  }

  @Override
  public void close() throws IOException {
    onClose.close();
  }

  /** The size of the whole file, from the verified root. */
  long fileSize() {
    return fileSize;
  }

  @Override
  void consumed(int n) {
    position += n;
  }

  /** Steps down the DAG towards the next bytes of the range; false at its end. */
  @Override
  boolean step() throws IOException {
    if (position >= end) {
      return false;
    }
    Frame frame = stack.peek();
    if (frame == null) {
      throw integrity(position, "the DAG ended at byte " + position + " of " + end);
    }
    while (frame.next < frame.links.size()
        && frame.childStart + frame.blockSizes.get(frame.next) <= position) {
      frame.childStart += frame.blockSizes.get(frame.next);
      frame.next++;
    }
    if (frame.next == frame.links.size()) {
      stack.pop();
      return true;
    }
    long start = frame.childStart;
    long expected = frame.blockSizes.get(frame.next);
    Cid child = frame.links.get(frame.next).cid();
    frame.childStart += expected;
    frame.next++;
    Decoded node = fetch(child, start);
    if (node.size() != expected) {
      throw integrity(
          start,
          "block " + child + " holds " + node.size() + " bytes where its parent says " + expected);
    }
    if (stack.size() >= MAX_DEPTH) {
      throw integrity(start, "the DAG is deeper than " + MAX_DEPTH + " levels");
    }
    enter(node, start);
    return true;
  }

  /** Makes a node's own bytes current and, when it has children, pushes it on the path. */
  private void enter(Decoded node, long nodeStart) {
    byte[] data = node.data();
    long from = Math.max(position, nodeStart);
    long to = Math.min(end, nodeStart + data.length);
    if (from < to) {
      current(data, (int) (from - nodeStart), (int) (to - nodeStart));
    }
    if (!node.links().isEmpty()) {
      stack.push(new Frame(node.links(), node.blockSizes(), nodeStart + data.length));
    }
  }

  private Decoded fetch(Cid cid, long fileOffset) throws IOException {
    byte[] block = source.get(cid);
    if (block.length > MAX_BLOCK_SIZE) {
      throw integrity(
          fileOffset, "block " + cid + " has " + block.length + " bytes, over the limit");
    }
    boolean matches;
    try {
      matches = cid.matches(block);
    } catch (UnsupportedOperationException e) {
      throw new HybridStorageException("cannot verify block " + cid + ": " + e.getMessage(), e);
    }
    if (!matches) {
      throw integrity(fileOffset, "block " + cid + " does not hash to its CID");
    }
    if (cid.codec() == Cid.RAW) {
      return new Decoded(block, List.of(), List.of(), block.length);
    }
    if (cid.codec() != Cid.DAG_PB) {
      throw new HybridStorageException(
          "block " + cid + " has codec 0x" + Long.toHexString(cid.codec()) + ", not raw or dag-pb");
    }
    try {
      DagPb.Node node = DagPb.decode(block);
      if (node.data() == null) {
        throw new IllegalArgumentException("no UnixFS Data");
      }
      UnixFsData unixfs = UnixFsData.decode(node.data());
      if (unixfs.type() != UnixFsData.TYPE_FILE && unixfs.type() != UnixFsData.TYPE_RAW) {
        throw new HybridStorageException(
            root + " is not a file: block " + cid + " has UnixFS type " + unixfs.type());
      }
      if (node.links().size() != unixfs.blockSizes().size()) {
        throw new IllegalArgumentException(
            node.links().size() + " links but " + unixfs.blockSizes().size() + " blocksizes");
      }
      long sum = unixfs.data().length;
      for (long s : unixfs.blockSizes()) {
        sum += s;
      }
      if (sum != unixfs.fileSize()) {
        throw new IllegalArgumentException(
            "filesize " + unixfs.fileSize() + " is not data plus blocksizes (" + sum + ")");
      }
      return new Decoded(unixfs.data(), node.links(), unixfs.blockSizes(), unixfs.fileSize());
    } catch (IllegalArgumentException e) {
      throw integrity(
          fileOffset, "block " + cid + " is not a valid UnixFS file node: " + e.getMessage());
    }
  }

  private IntegrityException integrity(long offset, String detail) {
    return new IntegrityException(root.toString(), offset, tierId, detail);
  }

  /** A verified block: its own bytes, its children and their sizes, and its total size. */
  @SuppressWarnings(
      "ArrayRecordComponent") // internal value; its array is never compared or exposed to callers
  private record Decoded(byte[] data, List<DagPb.Link> links, List<Long> blockSizes, long size) {}

  /** A node on the path from the root: its children and the next one to visit. */
  private static final class Frame {
    final List<DagPb.Link> links;
    final List<Long> blockSizes;
    int next;
    long childStart;

    Frame(List<DagPb.Link> links, List<Long> blockSizes, long childStart) {
      this.links = links;
      this.blockSizes = blockSizes;
      this.childStart = childStart;
    }
  }
}
