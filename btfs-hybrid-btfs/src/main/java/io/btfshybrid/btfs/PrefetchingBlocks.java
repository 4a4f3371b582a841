package io.btfshybrid.btfs;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * The blocks of one ranged trustless read, fetched ahead of the {@link UnixFsReader} that walks
 * them: when a node block of the file arrives (the root first), it is checked against its CID and
 * the children it links to that overlap the range are announced, in file order, so they are fetched
 * in parallel (bounded in requests and bytes) while the reader is still on earlier ones. Children
 * outside the range are never fetched. The reader still verifies every block it takes; the check
 * here only keeps a lying node from sending the prefetch after blocks nobody will read.
 */
final class PrefetchingBlocks implements BlockSource, Closeable {
  /** The most one block is counted as while it is on its way (a leaf is at most a chunk). */
  private static final long ESTIMATE_CAP = 1 << 20;

  private final ParallelFetches<Cid> fetches;
  private final long offset;
  private final long requestedEnd;
  private volatile long end = -1;

  PrefetchingBlocks(BlockSource network, ReadPool pool, Cid root, long offset, long length) {
    this.offset = offset;
    this.requestedEnd = length < 0 ? Long.MAX_VALUE : offset + length;
    this.fetches =
        new ParallelFetches<>(
            pool.executor(), network::get, this::arrived, pool.parallelism(), pool.readAhead());
    fetches.expect(root, 0, -1);
  }

  @Override
  public byte[] get(Cid cid) throws IOException {
    return fetches.take(cid);
  }

  /** Announces the children of a node block in the range; a leaf or a bad block announces none. */
  private void arrived(Cid cid, long start, long covers, byte[] block) {
    boolean root = covers < 0;
    if (cid.codec() != Cid.DAG_PB || (!root && block.length >= covers)) {
      return; // raw, or a leaf holding its bytes itself
    }
    List<DagPb.Link> links;
    UnixFsData unixfs;
    try {
      if (!cid.matches(block)) {
        return;
      }
      DagPb.Node node = DagPb.decode(block);
      if (node.data() == null) {
        return;
      }
      unixfs = UnixFsData.decode(node.data());
      links = node.links();
    } catch (RuntimeException notAUnixFsNode) {
      return; // the reader reports it when it takes the block
    }
    List<Long> sizes = unixfs.blockSizes();
    if (links.size() != sizes.size()) {
      return;
    }
    if (root) {
      end = Math.min(requestedEnd, unixfs.fileSize());
    }
    long childStart = start + unixfs.data().length;
    for (int i = 0; i < links.size(); i++) {
      long size = sizes.get(i);
      if (size > 0 && childStart < end && childStart + size > offset) {
        fetches.expect(links.get(i).cid(), childStart, Math.min(size, ESTIMATE_CAP));
      }
      childStart += size;
    }
  }

  /** Cuts the fetches still running and drops what was fetched ahead. */
  @Override
  public void close() {
    fetches.close();
  }
}
