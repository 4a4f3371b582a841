package io.btfshybrid.btfs;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * The inner nodes (dag-pb blocks with links, never leaves) of the files one tier has read, kept by
 * CID once they hash to it: a block never changes, so the next range of the same file walks down
 * from its root without asking the node again. Bounded in bytes; readers still verify what they
 * get, as they do every block.
 */
final class DagNodeCache {
  /** Inner nodes are about 9 KB for 174 links: room for the trees of tens of GiB of files. */
  static final long DEFAULT_BYTES = 8L << 20;

  private static final int MAX_NODE = 1 << 20;

  private final Cache<Cid, byte[]> nodes;

  DagNodeCache(long maxBytes) {
    this.nodes =
        Caffeine.newBuilder()
            .maximumWeight(maxBytes)
            .weigher((Cid k, byte[] v) -> v.length)
            .build();
  }

  /** {@code network} behind this cache: inner nodes come from the cache once they were fetched. */
  BlockSource over(BlockSource network) {
    return cid -> {
      byte[] known = nodes.getIfPresent(cid);
      if (known != null) {
        return known.clone();
      }
      byte[] block = network.get(cid);
      if (verifiedInnerNode(cid, block)) {
        nodes.put(cid, block.clone());
      }
      return block;
    };
  }

  private static boolean verifiedInnerNode(Cid cid, byte[] block) {
    if (cid.codec() != Cid.DAG_PB || block.length > MAX_NODE) {
      return false;
    }
    try {
      return cid.matches(block) && !DagPb.decode(block).links().isEmpty();
    } catch (RuntimeException unverifiable) {
      return false; // an unknown hash or a broken node: the reader reports it
    }
  }
}
