package io.btfshybrid.btfs;

import java.io.IOException;

/**
 * {@code length} bytes from {@code offset} read as consecutive parts fetched in parallel (bounded
 * by the {@link ReadPool}) and delivered in order. A part shorter than asked for is the end of the
 * content: nothing after it is delivered. Parts are announced only as far as the read-ahead window
 * reaches, so a length far past the end costs a few parts, not a plan of them all. The first part
 * is awaited when the stream opens, so a read that cannot start fails there.
 */
final class RangedParts extends PieceStream {
  /** Fetches {@code length} bytes from {@code start}, or fewer only at the end of the content. */
  @FunctionalInterface
  interface Part {
    byte[] fetch(long start, int length) throws IOException;
  }

  private final ParallelFetches<Long> fetches;
  private final long end;
  private final int partSize;
  private final long window;
  private long announcedTo;
  private long nextStart;
  private boolean last;

  RangedParts(Part part, ReadPool pool, long offset, long length, int partSize) throws IOException {
    this.end = offset + length;
    this.partSize = partSize;
    this.fetches =
        new ParallelFetches<>(
            pool.executor(),
            start -> part.fetch(start, partLength(start)),
            null,
            pool.parallelism(),
            pool.readAhead());
    this.window = pool.readAhead();
    this.announcedTo = offset;
    this.nextStart = offset;
    try {
      step();
    } catch (IOException | RuntimeException e) {
      fetches.close();
      throw e;
    }
  }

  private int partLength(long start) {
    return (int) Math.min(partSize, end - start);
  }

  /** Announces the parts up to the read-ahead window past the next one to take. */
  private void announceAhead() {
    while (announcedTo < end && announcedTo - nextStart < window) {
      fetches.expect(announcedTo, announcedTo, partLength(announcedTo));
      announcedTo += partLength(announcedTo);
    }
  }

  /** Takes the next part; false at the end. */
  @Override
  boolean step() throws IOException {
    if (last || nextStart >= end) {
      return false;
    }
    announceAhead();
    long start = nextStart;
    byte[] part = fetches.take(start);
    current(part, 0, part.length);
    nextStart += partLength(start);
    if (part.length < partLength(start)) {
      last = true;
      fetches.close(); // the parts after the end are not wanted
    }
    return true;
  }

  @Override
  public void close() {
    fetches.close();
  }
}
