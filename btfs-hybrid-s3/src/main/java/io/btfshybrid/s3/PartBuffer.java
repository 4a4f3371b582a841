package io.btfshybrid.s3;

import io.btfshybrid.api.HybridStorageException;
import java.io.IOException;
import java.io.InterruptedIOException;

/**
 * One part of a parallel read, filled by a fetching thread while the reader already consumes its
 * beginning: the reader never waits for a whole part, only for the next bytes.
 */
final class PartBuffer {
  private final byte[] bytes;
  private int filled;
  private boolean failed;
  private IOException failure;
  private boolean cancelled;

  PartBuffer(int length) {
    this.bytes = new byte[length];
  }

  int length() {
    return bytes.length;
  }

  /** Where the fetcher writes next; only the fetching thread writes to {@link #array}. */
  synchronized int filled() {
    return filled;
  }

  byte[] array() {
    return bytes;
  }

  /** The fetcher wrote {@code count} more bytes at {@link #filled()}. */
  synchronized void advance(int count) {
    filled += count;
    notifyAll();
  }

  synchronized void fail(IOException cause) {
    failed = true;
    failure = cause;
    notifyAll();
  }

  /** The reader lost interest: the fetcher stops at its next write. */
  synchronized void cancel() {
    cancelled = true;
    notifyAll();
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
      while (filled <= position && position < bytes.length && !failed) {
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
