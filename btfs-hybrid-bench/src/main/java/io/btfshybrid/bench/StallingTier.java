package io.btfshybrid.bench;

import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectInfo;
import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.TierKind;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A tier whose requests, a given fraction of them (seeded), hold back their first byte for a fixed
 * stall (ended early only by closing the stream or interrupting the reader); counts bytes served.
 */
final class StallingTier implements StorageTier {
  private final StorageTier delegate;
  private final double fraction;
  private final Duration stall;
  private final SplittableRandom random;
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong stalls = new AtomicLong();

  StallingTier(StorageTier delegate, double fraction, Duration stall, long seed) {
    this.delegate = delegate;
    this.fraction = fraction;
    this.stall = stall;
    this.random = new SplittableRandom(seed);
  }

  long bytesServed() {
    return bytes.get();
  }

  long stalls() {
    return stalls.get();
  }

  private synchronized boolean stallThisOne() {
    return random.nextDouble() < fraction;
  }

  @Override
  public InputStream read(Locator where, long offset, long length) throws IOException {
    boolean stalls = stallThisOne();
    if (stalls) {
      this.stalls.incrementAndGet();
    }
    CountDownLatch closed = new CountDownLatch(1);
    return new FilterInputStream(delegate.read(where, offset, length)) {
      boolean waited = !stalls;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (!waited) {
          waited = true;
          try {
            if (closed.await(stall.toNanos(), TimeUnit.NANOSECONDS)) {
              throw new IOException("closed while stalled");
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while stalled");
          }
        }
        int n = super.read(b, off, len);
        if (n > 0) {
          bytes.addAndGet(n);
        }
        return n;
      }

      @Override
      public void close() throws IOException {
        closed.countDown();
        super.close();
      }
    };
  }

  @Override
  public String id() {
    return delegate.id();
  }

  @Override
  public TierKind kind() {
    return delegate.kind();
  }

  @Override
  public Optional<String> region() {
    return delegate.region();
  }

  @Override
  public Locator write(String key, InputStream in, long size) throws IOException {
    return delegate.write(key, in, size);
  }

  @Override
  public Optional<ObjectInfo> stat(Locator where) throws IOException {
    return delegate.stat(where);
  }

  @Override
  public void delete(Locator where) throws IOException {
    delegate.delete(where);
  }

  @Override
  public Optional<Locator> locate(String key) {
    return delegate.locate(key);
  }
}
