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
import java.util.NavigableMap;
import java.util.PriorityQueue;
import java.util.TreeMap;

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
 *
 * <p>A CIDv1 file is almost always built from raw leaves of the default chunk size, so its first
 * wave of runs starts together with the root, on a guess: the range rounded out to whole chunks,
 * cut into runs. The blocks that arrive later say which leaves lie where; a leaf that lies wholly
 * inside a guessed run is cut from it (and verified like any other), so a read is not the serial
 * root, node and leaf round trips but about one; a leaf the guess missed is fetched as usual.
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
  private final NavigableMap<Long, Run> guessed = new TreeMap<>();
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
    List<Run> guesses =
        ranges != null && length > 0 && root.version() == 1 && root.codec() == Cid.DAG_PB
            ? guessRuns(pool.parallelism(), pool.readAhead())
            : List.of();
    fetches.expect(root, 0, -1);
    guesses.forEach(run -> fetches.speculate(run, run.start(), run.length()));
  }

  /**
   * Records at most {@code count} runs (and {@code budget} bytes) of whole default-size chunks from
   * the start of the range, before any block says where its leaves lie.
   */
  private synchronized List<Run> guessRuns(int count, long budget) {
    long chunk = CidProfile.CHUNK_SIZE;
    long from = offset - offset % chunk;
    long end = Math.min(requestedEnd, Long.MAX_VALUE - chunk);
    long to = Math.min(from + Math.max(runBytes, budget), (end + chunk - 1) / chunk * chunk);
    List<Run> runs = new ArrayList<>();
    for (long at = from; at < to && runs.size() < count; at += runBytes) {
      Run run = new Run(at, (int) Math.min(runBytes, to - at));
      guessed.put(at, run);
      runs.add(run);
    }
    return runs;
  }

  /** The guessed run holding all of {@code [start, start + size)}, or null. */
  private synchronized Run guessedRun(long start, long size) {
    Map.Entry<Long, Run> e = guessed.floorEntry(start);
    if (e == null || start + size > e.getKey() + e.getValue().length()) {
      return null;
    }
    return e.getValue();
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
        Run guess = child.codec() == Cid.RAW ? guessedRun(childStart, size) : null;
        if (guess != null) {
          run.flush();
          claimSlice(guess, child, childStart, (int) size);
        } else if (ranges != null && child.codec() == Cid.RAW && size <= runBytes) {
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
      for (int i = 0; i < cids.size(); i++) {
        claimSlice(run, cids.get(i), places.get(i)[0], (int) places.get(i)[1]);
      }
      cids.clear();
      places.clear();
      start = -1;
      length = 0;
    }
  }

  /** Makes {@code cid} the bytes {@code [at, at + size)} of {@code run}, taken once more. */
  private void claimSlice(Run run, Cid cid, long at, int size) {
    synchronized (this) {
      slices
          .computeIfAbsent(cid, k -> new PriorityQueue<>(Comparator.comparingLong(Slice::start)))
          .add(new Slice(run, at, size));
    }
    fetches.expect(run, run.start(), run.length());
  }

  /** Cuts the fetches still running and drops what was fetched ahead. */
  @Override
  public void close() {
    fetches.close();
  }
}
