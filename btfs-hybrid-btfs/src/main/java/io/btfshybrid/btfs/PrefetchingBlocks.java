package io.btfshybrid.btfs;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The blocks of one ranged trustless read, fetched ahead of the {@link UnixFsReader} that walks
 * them: when a node block of the file arrives (the root first), it is checked against its CID and
 * the children it links to that overlap the range are announced, in file order, so they are fetched
 * in parallel (bounded in requests and bytes) while the reader is still on earlier ones. Children
 * outside the range are never fetched. Consecutive raw leaves — whose block is exactly the file's
 * bytes there — are fetched together as one byte range of the file ({@link Ranges}, e.g. {@code
 * cat} with an offset and length) and cut back into blocks: far fewer requests than one per block,
 * and just as trustless, because the reader still verifies every block against the CID its verified
 * parent names. The check here only keeps a lying node from sending the prefetch after blocks
 * nobody will read.
 */
final class PrefetchingBlocks implements BlockSource, Closeable {
  /** The most one block is counted as while it is on its way (a leaf is at most a chunk). */
  private static final long ESTIMATE_CAP = 1 << 20;

  /** Fetches the file's bytes {@code [start, start + length)}: fewer only at its end. */
  @FunctionalInterface
  interface Ranges {
    byte[] fetch(long start, int length) throws IOException;
  }

  /** A byte range of the file holding consecutive raw leaves. */
  private record Run(long start, int length) {}

  /** Where one occurrence of a raw leaf lies: its run and its place in it. */
  private record Slice(Run run, long start, int length) {}

  private final BlockSource network;
  private final Ranges ranges;
  private final int runBytes;
  private final ParallelFetches<Object> fetches;
  private final Map<Cid, PriorityQueue<Slice>> slices = new HashMap<>();
  private final long offset;
  private final long requestedEnd;
  private volatile long end = -1;

  /**
   * Prefetches from {@code network}, and raw leaves from {@code ranges} in runs of about {@code
   * runBytes} (null: every block from {@code network}).
   */
  PrefetchingBlocks(
      BlockSource network,
      Ranges ranges,
      int runBytes,
      ReadPool pool,
      Cid root,
      long offset,
      long length) {
    this.network = network;
    this.ranges = ranges;
    this.runBytes = runBytes;
    this.offset = offset;
    this.requestedEnd = length < 0 ? Long.MAX_VALUE : offset + length;
    this.fetches =
        new ParallelFetches<>(
            pool.executor(), this::fetch, this::arrived, pool.parallelism(), pool.readAhead());
    fetches.expect(root, 0, -1);
  }

  private byte[] fetch(Object key) throws IOException {
    if (key instanceof Run run) {
      return ranges.fetch(run.start(), run.length());
    }
    return network.get((Cid) key);
  }

  @Override
  public byte[] get(Cid cid) throws IOException {
    Slice slice = nextSlice(cid);
    if (slice == null) {
      return fetches.take(cid);
    }
    byte[] run;
    try {
      run = fetches.take(slice.run());
    } catch (InterruptedIOException e) {
      throw e;
    } catch (IOException rangeFailed) {
      return fetches.take(cid); // the range could not be read: this block on its own
    }
    int from = (int) Math.min(run.length, slice.start() - slice.run().start());
    // a short range yields a short block, which then fails its hash, as a lie should
    return Arrays.copyOfRange(run, from, Math.min(run.length, from + slice.length()));
  }

  private synchronized Slice nextSlice(Cid cid) {
    PriorityQueue<Slice> q = slices.get(cid);
    Slice s = q == null ? null : q.poll();
    if (q != null && q.isEmpty()) {
      slices.remove(cid);
    }
    return s;
  }

  /** Announces the children of a node block in the range; a leaf or a bad block announces none. */
  private void arrived(Object key, long start, long covers, byte[] block) {
    boolean root = covers < 0;
    if (!(key instanceof Cid cid)
        || cid.codec() != Cid.DAG_PB
        || (!root && block.length >= covers)) {
      return; // a run, a raw block, or a leaf holding its bytes itself
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
    announce(links, sizes, start + unixfs.data().length);
  }

  /** Announces the children in the range, raw leaves grouped into runs. */
  private void announce(List<DagPb.Link> links, List<Long> sizes, long firstStart) {
    RunBuilder run = new RunBuilder();
    long childStart = firstStart;
    for (int i = 0; i < links.size(); i++) {
      long size = sizes.get(i);
      Cid child = links.get(i).cid();
      if (size > 0 && childStart < end && childStart + size > offset) {
        if (ranges != null && child.codec() == Cid.RAW && size <= runBytes) {
          run.add(child, childStart, (int) size);
        } else {
          run.flush();
          fetches.expect(child, childStart, Math.min(size, ESTIMATE_CAP));
        }
      }
      childStart += size;
    }
    run.flush();
  }

  /** Collects consecutive raw leaves into runs of at most {@code runBytes}. */
  private final class RunBuilder {
    private final ArrayList<Cid> cids = new ArrayList<>();
    private final ArrayList<long[]> places = new ArrayList<>();
    private long start = -1;
    private long length;

    void add(Cid cid, long at, int size) {
      if (start >= 0 && (at != start + length || length + size > runBytes)) {
        flush();
      }
      if (start < 0) {
        start = at;
      }
      cids.add(cid);
      places.add(new long[] {at, size});
      length += size;
    }

    void flush() {
      if (start < 0) {
        return;
      }
      Run run = new Run(start, (int) length);
      synchronized (PrefetchingBlocks.this) {
        for (int i = 0; i < cids.size(); i++) {
          slices
              .computeIfAbsent(
                  cids.get(i), k -> new PriorityQueue<>(Comparator.comparingLong(Slice::start)))
              .add(new Slice(run, places.get(i)[0], (int) places.get(i)[1]));
        }
      }
      for (int i = 0; i < cids.size(); i++) {
        fetches.expect(run, run.start(), run.length());
      }
      cids.clear();
      places.clear();
      start = -1;
      length = 0;
    }
  }

  /** Cuts the fetches still running and drops what was fetched ahead. */
  @Override
  public void close() {
    fetches.close();
  }
}
