package io.btfshybrid.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads a stream at most {@code depth} buffers ahead of the caller, on a shared bounded executor,
 * so that work done while producing the bytes (chunk verification) overlaps with work done while
 * consuming them (decryption). No task ever blocks a pool thread waiting for the reader: a pump
 * task fills the queue and returns, and is scheduled again when the reader takes a buffer; a reader
 * that finds the queue empty and no pump running reads the next buffer itself. So however many
 * streams are open, the pool's threads stay bounded and none can starve another stream. Memory is
 * bounded by {@code depth + 2} buffers; the source is closed at the end of the stream, on an error
 * (re-thrown to the reader as it was) or when this stream is closed.
 */
final class ReadAheadInputStream extends InputStream {
  private static final int IDLE = 0;
  private static final int SCHEDULED = 1;
  private static final int RUNNING = 2;

  /** A filled buffer, the end of the stream, or the source's failure. */
  @SuppressWarnings(
      "ArrayRecordComponent") // internal value; its array is never compared or exposed to callers
  private record Piece(byte[] bytes, int length, Throwable failure) {
    static final Piece END = new Piece(new byte[0], -1, null);
  }

  private final InputStream source;
  private final int bufferSize;
  private final Executor executor;
  private final BlockingQueue<Piece> queue;
  private final AtomicInteger state = new AtomicInteger(IDLE);
  private final AtomicBoolean sourceClosed = new AtomicBoolean();
  private volatile boolean closed;
  private boolean ended; // written only by whoever holds RUNNING
  private Piece current;
  private int position;

  ReadAheadInputStream(InputStream source, int bufferSize, int depth, Executor executor) {
    this.source = source;
    this.bufferSize = bufferSize;
    this.executor = executor;
    this.queue = new ArrayBlockingQueue<>(depth + 1); // room for a last buffer and the end
    schedule();
  }

  private void schedule() {
    if (closed || !state.compareAndSet(IDLE, SCHEDULED)) {
      return;
    }
    try {
      executor.execute(this::pumpScheduled);
    } catch (RejectedExecutionException e) {
      pumpScheduled(); // the pool is shut down: read on this thread instead
    }
  }

  private void pumpScheduled() {
    if (state.compareAndSet(SCHEDULED, RUNNING)) {
      pump(Integer.MAX_VALUE);
    }
  }

  /** Reads up to {@code steps} buffers while there is room; the caller holds RUNNING. */
  private void pump(int steps) {
    try {
      for (int i = 0; i < steps && !ended && !closed && queue.remainingCapacity() >= 2; i++) {
        step();
      }
    } finally {
      state.set(IDLE);
    }
    if (closed && state.compareAndSet(IDLE, RUNNING)) {
      closeSource();
    } else if (!ended && queue.remainingCapacity() >= 2) {
      schedule(); // the reader took a buffer while this pump was finishing
    }
  }

  private void step() {
    try {
      byte[] buf = new byte[bufferSize];
      int n = source.readNBytes(buf, 0, bufferSize);
      if (n > 0) {
        queue.add(new Piece(buf, n, null));
      }
      if (n < bufferSize) {
        end(Piece.END);
      }
    } catch (Throwable t) {
      end(new Piece(null, 0, t));
    }
  }

  private void end(Piece last) {
    ended = true;
    queue.add(last);
    closeSource();
  }

  private void closeSource() {
    if (sourceClosed.compareAndSet(false, true)) {
      try {
        source.close();
      } catch (IOException | RuntimeException ignored) {
        // nothing more is read from it
      }
    }
  }

  /** The next piece: taken from the queue, or read on this thread when nobody else is reading. */
  private Piece next() throws IOException {
    while (true) {
      Piece p = queue.poll();
      if (p != null) {
        schedule();
        return p;
      }
      if (state.compareAndSet(IDLE, RUNNING) || state.compareAndSet(SCHEDULED, RUNNING)) {
        pump(1);
        continue;
      }
      try {
        p = queue.take(); // a pump is running: it adds a piece, or reschedules
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for verified bytes");
      }
      schedule();
      return p;
    }
  }

  /** The current piece with bytes left, or null at the end of the stream. */
  private Piece piece() throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
    while (current == null || (current.length() >= 0 && position >= current.length())) {
      current = next();
      position = 0;
      if (current.failure() != null) {
        Throwable t = current.failure();
        current = Piece.END;
        if (t instanceof IOException io) {
          throw io;
        }
        if (t instanceof RuntimeException re) {
          throw re;
        }
        throw new IOException(t);
      }
    }
    return current.length() < 0 ? null : current;
  }

  @Override
  public int read() throws IOException {
    Piece p = piece();
    return p == null ? -1 : p.bytes()[position++] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    Piece p = piece();
    if (p == null) {
      return -1;
    }
    int n = Math.min(len, p.length() - position);
    System.arraycopy(p.bytes(), position, b, off, n);
    position += n;
    return n;
  }

  @Override
  public int available() {
    return current == null || current.length() < 0 ? 0 : current.length() - position;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      queue.clear();
      if (state.compareAndSet(IDLE, RUNNING) || state.compareAndSet(SCHEDULED, RUNNING)) {
        closeSource();
      }
    }
  }
}
