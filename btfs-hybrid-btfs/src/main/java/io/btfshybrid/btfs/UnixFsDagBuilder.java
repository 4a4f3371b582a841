package io.btfshybrid.btfs;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds a UnixFS file DAG incrementally from the bytes written to it, exactly as {@code add} does
 * (fixed-size chunks, balanced layout, 174 links per node), holding only the current chunk and one
 * frontier of up to 174 links per tree level; {@link #finish()} returns the root CID. Optionally
 * hands every block to a {@link BlockSink}.
 */
public final class UnixFsDagBuilder extends OutputStream {
  private final CidProfile profile;
  private final BlockSink sink;
  private final byte[] chunk = new byte[CidProfile.CHUNK_SIZE];
  private int chunkFill;
  private long bytesWritten;
  private long chunks;
  private final List<Frontier> levels = new ArrayList<>();
  private Cid root;

  private UnixFsDagBuilder(CidProfile profile, BlockSink sink) {
    this.profile = Objects.requireNonNull(profile, "profile");
    this.sink = sink;
  }

  /** A builder that only computes the root CID. */
  public static UnixFsDagBuilder create(CidProfile profile) {
    return new UnixFsDagBuilder(profile, null);
  }

  /** A builder that also hands every block it makes to {@code sink}. */
  public static UnixFsDagBuilder create(CidProfile profile, BlockSink sink) {
    return new UnixFsDagBuilder(profile, Objects.requireNonNull(sink, "sink"));
  }

  /** Adds one byte of content. */
  @Override
  public void write(int b) throws IOException {
    checkOpen();
    chunk[chunkFill++] = (byte) b;
    bytesWritten++;
    if (chunkFill == chunk.length) {
      flushChunk();
    }
  }

  /** Adds {@code len} bytes of content. */
  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    checkOpen();
    int pos = off;
    int remaining = len;
    while (remaining > 0) {
      int n = Math.min(remaining, chunk.length - chunkFill);
      System.arraycopy(b, pos, chunk, chunkFill, n);
      chunkFill += n;
      pos += n;
      remaining -= n;
      bytesWritten += n;
      if (chunkFill == chunk.length) {
        flushChunk();
      }
    }
  }

  /** Content bytes written so far. */
  public long bytesWritten() {
    return bytesWritten;
  }

  /** Ends the content and returns the root CID; later calls return the same CID. */
  public Cid finish() throws IOException {
    if (root != null) {
      return root;
    }
    if (chunkFill > 0 || chunks == 0) {
      flushChunk();
    }
    if (levels.size() == 1 && levels.get(0).count == 1) {
      root = levels.get(0).cids[0];
      return root;
    }
    for (int level = 0; ; level++) {
      Frontier frontier = levels.get(level);
      boolean top = level == levels.size() - 1;
      if (top && frontier.count == 1 && level > 0) {
        root = frontier.cids[0];
        return root;
      }
      flushLevel(level);
    }
  }

  /** The same as {@link #finish()}; the builder takes no more bytes afterwards. */
  @Override
  public void close() throws IOException {
    finish();
  }

  private void checkOpen() {
    if (root != null) {
      throw new IllegalStateException("the DAG is finished; it takes no more bytes");
    }
  }

  private void flushChunk() throws IOException {
    int length = chunkFill;
    chunkFill = 0;
    chunks++;
    Cid cid;
    long tsize;
    if (profile.rawLeaves()) {
      cid = Cid.ofBlock(1, Cid.RAW, chunk, 0, length);
      tsize = length;
      if (sink != null) {
        byte[] block = new byte[length];
        System.arraycopy(chunk, 0, block, 0, length);
        sink.accept(cid, block);
      }
    } else {
      byte[] block = DagPb.encode(List.of(), UnixFsData.encodeLeaf(chunk, 0, length));
      cid = Cid.ofBlock(profile.cidVersion(), Cid.DAG_PB, block);
      tsize = block.length;
      if (sink != null) {
        sink.accept(cid, block);
      }
    }
    addLink(0, cid, tsize, length);
  }

  private void addLink(int level, Cid cid, long tsize, long fileSize) throws IOException {
    if (levels.size() == level) {
      levels.add(new Frontier());
    }
    Frontier frontier = levels.get(level);
    if (frontier.count == CidProfile.MAX_LINKS) {
      flushLevel(level);
    }
    frontier.add(cid, tsize, fileSize);
  }

  /** Turns the links waiting at {@code level} into one node linked from {@code level + 1}. */
  private void flushLevel(int level) throws IOException {
    Frontier frontier = levels.get(level);
    List<DagPb.Link> links = new ArrayList<>(frontier.count);
    long fileSize = 0;
    long childTsizes = 0;
    for (int i = 0; i < frontier.count; i++) {
      links.add(new DagPb.Link(frontier.cids[i], "", frontier.tsizes[i]));
      fileSize += frontier.fileSizes[i];
      childTsizes += frontier.tsizes[i];
    }
    byte[] block =
        DagPb.encode(
            links, UnixFsData.encodeInternal(fileSize, frontier.fileSizes, frontier.count));
    Cid cid = Cid.ofBlock(profile.cidVersion(), Cid.DAG_PB, block);
    if (sink != null) {
      sink.accept(cid, block);
    }
    frontier.count = 0;
    addLink(level + 1, cid, block.length + childTsizes, fileSize);
  }

  /** The links waiting for their parent at one level of the tree. */
  private static final class Frontier {
    final Cid[] cids = new Cid[CidProfile.MAX_LINKS];
    final long[] tsizes = new long[CidProfile.MAX_LINKS];
    final long[] fileSizes = new long[CidProfile.MAX_LINKS];
    int count;

    void add(Cid cid, long tsize, long fileSize) {
      cids[count] = cid;
      tsizes[count] = tsize;
      fileSizes[count] = fileSize;
      count++;
    }
  }
}
