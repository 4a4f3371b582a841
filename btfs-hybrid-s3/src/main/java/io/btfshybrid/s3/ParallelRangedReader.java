package io.btfshybrid.s3;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * A large S3 read as one {@link InputStream}: the first segment streams from an already open GET
 * while the following parts are fetched as ranged GETs in parallel and handed out in order, each as
 * soon as its first bytes arrive. The window refills continuously: whenever a part's fetch ends the
 * next one starts, as long as the tier's {@link PartBudget} has room for its bytes (parts in flight
 * and parts waiting for the reader both count), so memory stays bounded. How many parts are in
 * flight and how large they are follow the link ({@link ReadTuning.Probe}).
 */
final class ParallelRangedReader extends InputStream {
  /** Fills {@code part} with the object's bytes from {@code offset}, retrying as needed. */
  interface PartFetcher {
    void fetch(long offset, PartBuffer part) throws IOException;
  }

  private final PartFetcher fetcher;
  private final Executor executor;
  private final ReadTuning.Probe probe;
  private final PartBudget budget;
  private final long end;
  private final String target;
  // guarded by this: the parts taken from the budget and not yet consumed, in object order
  private final Deque<PartBuffer> window = new ArrayDeque<>();
  private long nextPartOffset;
  private int inFlight;
  private boolean closed;
  // the reader's own state
  private InputStream firstSegment;
  private PartBuffer current;
  private int positionInCurrent;

  /**
   * @param firstSegment the open body covering the object from the read's offset to {@code
   *     firstSegmentEnd}
   * @param end the offset just past the last byte to deliver
   */
  ParallelRangedReader(
      InputStream firstSegment,
      long firstSegmentEnd,
      long end,
      ReadTuning.Probe probe,
      PartBudget budget,
      PartFetcher fetcher,
      Executor executor,
      String target) {
    this.firstSegment = firstSegment;
    this.nextPartOffset = firstSegmentEnd;
    this.end = end;
    this.probe = probe;
    this.budget = budget;
    this.fetcher = fetcher;
    this.executor = executor;
    this.target = target;
    startParts();
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n == -1 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (isClosed()) {
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
          current = nextPart();
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
        consumed(current);
        current = null;
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  private synchronized PartBuffer nextPart() {
    return window.peekFirst();
  }

  /** The reader is done with {@code part}: its bytes go back to the budget, the window refills. */
  private void consumed(PartBuffer part) {
    synchronized (this) {
      if (window.peekFirst() == part) {
        window.pollFirst();
        budget.give(part.length());
      }
    }
    startParts();
  }

  /** Starts as many parts as the probe wants in flight and the budget has room for. */
  private void startParts() {
    List<PartBuffer> started = new ArrayList<>();
    synchronized (this) {
      while (!closed && inFlight < probe.parallelism() && nextPartOffset < end) {
        int length = (int) Math.min(probe.partSize(), end - nextPartOffset);
        if (!budget.tryTake(length, window.isEmpty())) {
          break;
        }
        PartBuffer part = new PartBuffer(nextPartOffset, length);
        window.addLast(part);
        nextPartOffset += length;
        inFlight++;
        started.add(part);
      }
    }
    // outside the lock: a saturated pool runs the fetch in this thread
    for (PartBuffer part : started) {
      try {
        executor.execute(() -> fetchInto(part));
      } catch (RejectedExecutionException e) {
        part.fail(new IOException("cannot read " + target + ": " + e.getMessage(), e));
        fetchEnded(part, false);
      }
    }
  }

  private void fetchInto(PartBuffer part) {
    boolean complete = false;
    try {
      part.asked();
      fetcher.fetch(part.offset(), part);
      complete = true;
    } catch (IOException e) {
      part.fail(e);
    } catch (RuntimeException e) {
      part.fail(new IOException("reading a part of " + target + " failed: " + e, e));
    } finally {
      fetchEnded(part, complete);
    }
  }

  private void fetchEnded(PartBuffer part, boolean complete) {
    synchronized (this) {
      inFlight--;
      if (complete) {
        long[] t = part.timings();
        probe.partDone(part.length(), t[0], t[1] == 0 ? t[2] : t[1], t[2]);
      }
    }
    if (complete) {
      startParts();
    }
  }

  @Override
  public void close() throws IOException {
    List<PartBuffer> dropped;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      dropped = new ArrayList<>(window);
      window.clear();
      for (PartBuffer part : dropped) {
        budget.give(part.length());
      }
    }
    current = null;
    dropped.forEach(PartBuffer::cancel);
    if (firstSegment != null) {
      firstSegment.close();
      firstSegment = null;
    }
  }
}
