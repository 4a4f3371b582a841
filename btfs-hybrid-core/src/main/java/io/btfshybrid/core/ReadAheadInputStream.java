package io.btfshybrid.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads a stream on a helper thread at most {@code depth} buffers ahead of the caller, so that work
 * done while producing the bytes (chunk verification) overlaps with work done while consuming them
 * (decryption). Memory is bounded by {@code depth + 2} buffers; the helper ends (and closes the
 * source) at the end of the stream, on an error (re-thrown to the reader as it was) or when this
 * stream is closed. Like any stream, it must be closed: an abandoned, unclosed one keeps its helper
 * thread parked with its buffers.
 */
final class ReadAheadInputStream extends InputStream {
  private static final AtomicInteger THREADS = new AtomicInteger();

  /** A filled buffer, the end of the stream, or the source's failure. */
  @SuppressWarnings(
      "ArrayRecordComponent") // internal value; its array is never compared or exposed to callers
  private record Piece(byte[] bytes, int length, Throwable failure) {
    static final Piece END = new Piece(new byte[0], -1, null);
  }

  private final BlockingQueue<Piece> queue;
  private final Thread helper;
  private Piece current;
  private int position;
  private boolean closed;

  ReadAheadInputStream(InputStream source, int bufferSize, int depth) {
    this.queue = new ArrayBlockingQueue<>(depth);
    this.helper =
        new Thread(
            () -> fill(source, bufferSize), "btfs-hybrid-read-ahead-" + THREADS.incrementAndGet());
    helper.setDaemon(true);
    helper.start();
  }

  private void fill(InputStream source, int bufferSize) {
    try (source) {
      while (!Thread.currentThread().isInterrupted()) {
        byte[] buf = new byte[bufferSize];
        int n = source.readNBytes(buf, 0, bufferSize);
        if (n > 0) {
          queue.put(new Piece(buf, n, null));
        }
        if (n < bufferSize) {
          queue.put(Piece.END);
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // closed by the reader: nobody waits for more
    } catch (Throwable t) {
      try {
        queue.put(new Piece(null, 0, t));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The current piece with bytes left, or null at the end of the stream. */
  private Piece piece() throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
    while (current == null || (current.length() >= 0 && position >= current.length())) {
      try {
        current = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for verified bytes");
      }
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
      helper.interrupt();
      queue.clear();
    }
  }
}
