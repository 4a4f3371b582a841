package io.btfshybrid.s3;

import com.google.common.base.Throwables;
import io.btfshybrid.api.HybridStorageException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * A large S3 read as one {@link InputStream}: the first segment streams from an already open
 * GET while the following parts are fetched as ranged GETs in parallel and handed out in order.
 * Memory stays bounded: at most {@code maxPartsInFlight} parts are being fetched or waiting.
 */
final class ParallelRangedReader extends InputStream {
  /** Fetches exactly {@code length} bytes of the object from {@code offset}, retrying as needed. */
  interface PartFetcher {
    byte[] fetch(long offset, int length) throws IOException;
  }

  private final PartFetcher fetcher;
  private final ExecutorService executor;
  private final int partSize;
  private final int maxPartsInFlight;
  private final long end;
  private final String target;
  private final Deque<Future<byte[]>> window = new ArrayDeque<>();
  private long nextPartOffset;
  private InputStream current;
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
      ExecutorService executor,
      String target) {
    this.current = firstSegment;
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
    while (true) {
      if (current != null) {
        int n = current.read(buffer, offset, length);
        if (n > 0) {
          return n;
        }
        current.close();
        current = null;
      }
      Future<byte[]> next = window.poll();
      if (next == null) {
        return -1;
      }
      current = new ByteArrayInputStream(await(next));
      fillWindow();
    }
  }

  private void fillWindow() {
    while (window.size() < maxPartsInFlight && nextPartOffset < end) {
      long partOffset = nextPartOffset;
      int partLength = (int) Math.min(partSize, end - partOffset);
      window.add(executor.submit(() -> fetcher.fetch(partOffset, partLength)));
      nextPartOffset += partLength;
    }
  }

  private byte[] await(Future<byte[]> part) throws IOException {
    try {
      return part.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new InterruptedIOException("interrupted while reading " + target);
    } catch (CancellationException e) {
      throw new HybridStorageException("a part of " + target + " was cancelled", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      close();
      Throwables.throwIfInstanceOf(cause, IOException.class);
      throw new HybridStorageException("reading a part of " + target + " failed: " + cause, cause);
    }
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    for (Future<byte[]> pending : window) {
      pending.cancel(true);
    }
    window.clear();
    if (current != null) {
      current.close();
      current = null;
    }
  }
}
