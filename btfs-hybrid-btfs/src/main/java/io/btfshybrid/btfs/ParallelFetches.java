package io.btfshybrid.btfs;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Fetches the pieces one reader will ask for — blocks or byte ranges, each named by a key and
 * placed at a file offset — ahead of it, in parallel: pieces announced with {@link #expect} start
 * in file order while fewer than {@code maxInFlight} run and the bytes held (running estimates plus
 * fetched but not yet taken) stay under {@code maxBytes}; {@link #take} hands one over, starting it
 * at once if it has not started. A key announced twice is fetched once and taken twice. {@link
 * #close()} cuts every running fetch ({@link FetchCancellation}) and returns once none runs. Pieces
 * may also be {@link #speculate started on a guess} before anyone is known to take them.
 *
 * @param <K> what names a piece
 */
final class ParallelFetches<K> implements Closeable {
  private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** Fetches one piece; runs on a pool thread. */
  @FunctionalInterface
  interface Fetch<K> {
    byte[] fetch(K key) throws IOException;
  }

  /**
   * Sees each piece as it arrives (on the pool thread, before a reader can take it), e.g. to
   * announce the pieces a block links to; must not throw.
   */
  @FunctionalInterface
  interface Arrival<K> {
    void arrived(K key, long start, long estimate, byte[] bytes);
  }

  private final Executor executor;
  private final Fetch<K> fetch;
  private final Arrival<K> arrival;
  private final int maxInFlight;
  private final long maxBytes;
  private final Map<K, Piece> pieces = new HashMap<>();
  private final PriorityQueue<Piece> queued =
      new PriorityQueue<>(
          Comparator.<Piece>comparingLong(p -> p.start).thenComparingLong(p -> p.order));
  private long announced;
  private int running;
  private long held;
  private boolean closed;

  ParallelFetches(
      Executor executor, Fetch<K> fetch, Arrival<K> arrival, int maxInFlight, long maxBytes) {
    this.executor = executor;
    this.fetch = fetch;
    this.arrival = arrival;
    this.maxInFlight = maxInFlight;
    this.maxBytes = maxBytes;
  }

  /**
   * Announces that {@code key}, about {@code estimate} bytes ({@code -1}: unknown) at {@code
   * start}, will be taken.
   */
  synchronized void expect(K key, long start, long estimate) {
    announce(key, start, estimate, 1);
  }

  /**
   * Starts fetching {@code key} before anyone is known to take it (a guess at what will be needed):
   * it is taken only as often as it is {@link #expect expected} later, and a piece nobody expects
   * is dropped at {@link #close()}.
   */
  synchronized void speculate(K key, long start, long estimate) {
    announce(key, start, estimate, 0);
  }

  private void announce(K key, long start, long estimate, int uses) {
    if (closed) {
      return;
    }
    Piece known = pieces.get(key);
    if (known != null) {
      known.uses += uses;
      return;
    }
    Piece p = new Piece(key, start, estimate, announced++);
    p.uses = uses;
    pieces.put(key, p);
    queued.add(p);
    startWhatFits();
  }

  /** The bytes of {@code key}, waiting for its fetch; a failed fetch throws its exception. */
  byte[] take(K key) throws IOException {
    Piece p;
    synchronized (this) {
      if (closed) {
        throw new IOException("the read was closed");
      }
      p = pieces.get(key);
      if (p == null) {
        p = new Piece(key, Long.MIN_VALUE, 0, announced++);
        pieces.put(key, p);
        begin(p);
      } else if (p.state == State.QUEUED) {
        queued.remove(p);
        begin(p);
      }
      try {
        while (p.state != State.DONE && !closed) {
          wait();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while fetching " + key);
      }
      if (p.state != State.DONE) {
        throw new IOException("the read was closed");
      }
      if (--p.uses == 0) {
        pieces.remove(key);
        held -= p.size();
      }
      startWhatFits();
    }
    if (p.failure instanceof IOException io) {
      throw io;
    }
    if (p.failure instanceof RuntimeException unchecked) {
      throw unchecked;
    }
    return p.bytes;
  }

  private void startWhatFits() {
    while (!closed && running < maxInFlight && !queued.isEmpty()) {
      Piece next = queued.peek();
      boolean idle = running == 0 && held == 0;
      if (!idle && held + next.weight() > maxBytes) {
        return;
      }
      queued.poll();
      begin(next);
    }
  }

  /** Starts {@code p} on the pool; the caller holds the lock. */
  private void begin(Piece p) {
    p.state = State.RUNNING;
    running++;
    held += p.weight();
    try {
      executor.execute(() -> run(p));
    } catch (RejectedExecutionException e) {
      finish(p, null, new IOException("the tier is closed"));
    }
  }

  private void run(Piece p) {
    FetchCancellation cancellation;
    synchronized (this) {
      if (closed) {
        finish(p, null, new IOException("the read was closed"));
        return;
      }
      cancellation = p.cancellation;
    }
    byte[] bytes = null;
    Exception failure = null;
    cancellation.enter();
    try {
      bytes = fetch.fetch(p.key);
    } catch (IOException | RuntimeException e) {
      failure = e;
    } finally {
      FetchCancellation.exit();
    }
    if (bytes != null && arrival != null) {
      arrival.arrived(p.key, p.start, p.estimate, bytes);
    }
    synchronized (this) {
      finish(p, bytes, failure);
    }
  }

  /** Records the outcome of a running piece; the caller holds the lock. */
  private void finish(Piece p, byte[] bytes, Exception failure) {
    running--;
    held -= p.weight();
    p.bytes = bytes;
    p.failure = failure;
    p.state = State.DONE;
    if (pieces.get(p.key) == p) {
      held += p.size();
    }
    notifyAll();
    startWhatFits();
  }

  /** Cuts every running fetch, drops every piece and returns once no fetch runs any more. */
  @Override
  public void close() {
    List<FetchCancellation> cut = new ArrayList<>();
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      queued.clear();
      for (Piece p : pieces.values()) {
        if (p.state == State.RUNNING) {
          cut.add(p.cancellation);
        }
      }
      pieces.clear();
      held = 0;
      notifyAll();
    }
    cut.forEach(FetchCancellation::cancel);
    synchronized (this) {
      long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
      try {
        for (long left = CLOSE_WAIT_NANOS; running > 0 && left > 0; ) {
          TimeUnit.NANOSECONDS.timedWait(this, left);
          left = deadline - System.nanoTime();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private enum State {
    QUEUED,
    RUNNING,
    DONE
  }

  /** One piece: where it lies, how it stands and, once fetched, its bytes or failure. */
  private final class Piece {
    final K key;
    final long start;
    final long estimate;
    final long order;
    final FetchCancellation cancellation = new FetchCancellation();
    int uses = 1;
    State state = State.QUEUED;
    byte[] bytes;
    Exception failure;

    Piece(K key, long start, long estimate, long order) {
      this.key = key;
      this.start = start;
      this.estimate = estimate;
      this.order = order;
    }

    /** What the piece counts for while it is on its way; a negative estimate is unknown. */
    long weight() {
      return Math.max(0, estimate);
    }

    long size() {
      return bytes == null ? 0 : bytes.length;
    }
  }
}
