package io.btfshybrid.s3;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * A large S3 read as one {@link InputStream}: the first segment streams from an already open GET
 * while the following parts are fetched as ranged GETs in parallel and handed out in order, each as
 * soon as its first bytes arrive. Memory stays bounded: at most {@code maxPartsInFlight} part
 * buffers exist at a time.
 */
final class ParallelRangedReader extends InputStream {
  /** Fills {@code part} with the object's bytes from {@code offset}, retrying as needed. */
  interface PartFetcher {
    void fetch(long offset, PartBuffer part) throws IOException;
  }

  private final PartFetcher fetcher;
  private final Executor executor;
  private final int partSize;
  private final int maxPartsInFlight;
  private final long end;
  private final String target;
  private final Deque<PartBuffer> window = new ArrayDeque<>();
  private long nextPartOffset;
  private InputStream firstSegment;
  private PartBuffer current;
  private int positionInCurrent;
  private boolean closed;

  /**
   * @param firstSegment the open body covering the object from the read's offset to {@code
   *     firstSegmentEnd}
   * @param end the offset just past the last byte to deliver
   */
  ParallelRangedReader(
      InputStream firstSegment,
      long firstSegmentEnd,
      long end,
      int partSize,
      int maxPartsInFlight,
      PartFetcher fetcher,
      Executor executor,
      String target) {
    this.firstSegment = firstSegment;
    this.nextPartOffset = firstSegmentEnd;
    this.end = end;
    this.partSize = partSize;
    this.maxPartsInFlight = maxPartsInFlight;
    this.fetcher = fetcher;
    this.executor = executor;
    this.target = target;
    fillWindow();
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n == -1 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (closed) {
      throw new IOException("stream of " + target + " is closed");
    }
    if (length == 0) {
      return 0;
    }
    try {
      if (firstSegment != null) {
        int n = firstSegment.read(buffer, offset, length);
        if (n > 0) {
          return n;
        }
        firstSegment.close();
        firstSegment = null;
      }
      while (true) {
        if (current == null) {
          current = window.poll();
          positionInCurrent = 0;
          if (current == null) {
            return -1;
          }
        }
        int n = current.read(positionInCurrent, buffer, offset, length);
        if (n > 0) {
          positionInCurrent += n;
          return n;
        }
        current = null;
        fillWindow();
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  private void fillWindow() {
    while (window.size() + (current == null ? 0 : 1) < maxPartsInFlight && nextPartOffset < end) {
      long partOffset = nextPartOffset;
      PartBuffer part = new PartBuffer((int) Math.min(partSize, end - partOffset));
      window.add(part);
      nextPartOffset += part.length();
      try {
        executor.execute(() -> fetchInto(partOffset, part));
      } catch (RejectedExecutionException e) {
        part.fail(new IOException("cannot read " + target + ": " + e.getMessage(), e));
      }
    }
  }

  private void fetchInto(long partOffset, PartBuffer part) {
    try {
      fetcher.fetch(partOffset, part);
    } catch (IOException e) {
      part.fail(e);
    } catch (RuntimeException e) {
      part.fail(new IOException("reading a part of " + target + " failed: " + e, e));
    }
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (current != null) {
      current.cancel();
      current = null;
    }
    window.forEach(PartBuffer::cancel);
    window.clear();
    if (firstSegment != null) {
      firstSegment.close();
      firstSegment = null;
    }
  }
}
