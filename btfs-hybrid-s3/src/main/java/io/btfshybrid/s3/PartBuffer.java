package io.btfshybrid.s3;

import io.btfshybrid.api.HybridStorageException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;

/**
 * One part of a parallel read, filled by a fetching thread while the reader already consumes its
 * beginning: the reader never waits for a whole part, only for the next bytes.
 */
final class PartBuffer {
  /** How many bytes the fetcher reads before waking the reader: fewer, larger hand-overs. */
  private static final int HAND_OVER_BYTES = 256 * 1024;

  private final long offset;
  private final byte[] bytes;
  private int filled;
  private boolean failed;
  private IOException failure;
  private boolean cancelled;
  private Runnable onCancel;
  private long askedAt;
  private long firstByteAt;
  private long doneAt;

  /** A part holding the object's bytes from {@code offset}. */
  PartBuffer(long offset, int length) {
    this.offset = offset;
    this.bytes = new byte[length];
  }

  /** Where in the object this part starts. */
  long offset() {
    return offset;
  }

  /** Notes that the fetch of this part begins now. */
  synchronized void asked() {
    askedAt = System.nanoTime();
  }

  /**
   * Runs {@code abort} (dropping the open response) when the reader cancels, at once if it already
   * did; {@code null} detaches it once the response is done.
   */
  void onCancel(Runnable abort) {
    boolean now;
    synchronized (this) {
      onCancel = abort;
      now = cancelled && abort != null;
    }
    if (now) {
      abort.run();
    }
  }

  /** When the fetch began, its first byte came and its last ({@link System#nanoTime}); 0: not. */
  synchronized long[] timings() {
    return new long[] {askedAt, firstByteAt, doneAt};
  }

  int length() {
    return bytes.length;
  }

  /** How many bytes have arrived; the fetcher writes next at this position. */
  synchronized int filled() {
    return filled;
  }

  /**
   * Fills the rest of the part from {@code content}, handing bytes to the reader as they come;
   * {@link EOFException} when the content ends first, {@link InterruptedIOException} when the
   * reader cancelled.
   */
  void fillFrom(InputStream content) throws IOException {
    while (filled() < bytes.length) {
      if (isCancelled()) {
        throw new InterruptedIOException("the reader closed the stream");
      }
      int position = filled();
      int wanted = Math.min(HAND_OVER_BYTES, bytes.length - position);
      int got = 0;
      try {
        for (int n;
            got < wanted && (n = content.read(bytes, position + got, wanted - got)) >= 0; ) {
          got += n;
        }
      } finally {
        if (got > 0) {
          advance(got); // bytes that came before a failure still count
        }
      }
      if (got < wanted) {
        throw new EOFException(
            "the content ended after " + (position + got) + " of " + bytes.length + " bytes");
      }
    }
  }

  private synchronized void advance(int count) {
    if (filled == 0) {
      firstByteAt = System.nanoTime();
    }
    filled += count;
    if (filled == bytes.length) {
      doneAt = System.nanoTime();
    }
    notifyAll();
  }

  synchronized void fail(IOException cause) {
    failed = true;
    failure = cause;
    notifyAll();
  }

  /** The reader lost interest: the open response is dropped and the fetcher stops. */
  void cancel() {
    Runnable abort;
    synchronized (this) {
      cancelled = true;
      abort = onCancel;
      notifyAll();
    }
    if (abort != null) {
      abort.run();
    }
  }

  synchronized boolean isCancelled() {
    return cancelled;
  }

  /**
   * Copies up to {@code length} bytes from {@code position}, waiting until some are there; -1 at
   * the end of the part.
   */
  int read(int position, byte[] target, int offset, int length) throws IOException {
    int available;
    synchronized (this) {
      while (filled <= position && position < bytes.length && !failed && !cancelled) {
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while waiting for S3 data");
        }
      }
      if (position >= bytes.length) {
        return -1;
      }
      if (filled <= position && !failed) {
        throw new InterruptedIOException("the S3 stream was closed");
      }
      if (filled <= position) {
        throw failure instanceof HybridStorageException
            ? failure
            : new HybridStorageException(failure.getMessage(), failure);
      }
      available = filled - position;
    }
    int count = Math.min(available, length);
    System.arraycopy(bytes, position, target, offset, count);
    return count;
  }
}
