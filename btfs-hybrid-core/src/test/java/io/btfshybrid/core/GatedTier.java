package io.btfshybrid.core;

import io.btfshybrid.api.Locator;
import io.btfshybrid.api.StorageTier;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A tier that holds every write of a matching key at a gate until all parties of the latch have
 * arrived, so concurrent publishers reach the same step together.
 */
final class GatedTier extends ForwardingTier {
  private final Predicate<String> gatedKeys;
  private final CountDownLatch gate;

  GatedTier(StorageTier delegate, Predicate<String> gatedKeys, CountDownLatch gate) {
    super(delegate);
    this.gatedKeys = gatedKeys;
    this.gate = gate;
  }

  private void pass(String key) throws IOException {
    if (!gatedKeys.test(key)) {
      return;
    }
    gate.countDown();
    try {
      if (!gate.await(30, TimeUnit.SECONDS)) {
        throw new IOException("the other writer never arrived at " + key);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted at the gate of " + key);
    }
  }

  @Override
  public Locator write(String key, InputStream bytes, long size) throws IOException {
    pass(key);
    return super.write(key, bytes, size);
  }

  @Override
  public Locator writeNew(String key, InputStream bytes, long size) throws IOException {
    pass(key);
    return super.writeNew(key, bytes, size);
  }
}
