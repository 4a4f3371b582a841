package io.btfshybrid.core;

import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectInfo;
import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.TierKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A tier that holds every write of a matching key at a gate until {@code parties} writers have
 * arrived, so concurrent publishers reach the same step together; everything else is delegated.
 */
final class GatedTier implements StorageTier {
  private final StorageTier delegate;
  private final Predicate<String> gatedKeys;
  private final CountDownLatch gate;

  GatedTier(StorageTier delegate, Predicate<String> gatedKeys, CountDownLatch gate) {
    this.delegate = delegate;
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
  public InputStream read(Locator where, long offset, long length) throws IOException {
    return delegate.read(where, offset, length);
  }

  @Override
  public Locator write(String key, InputStream bytes, long size) throws IOException {
    pass(key);
    return delegate.write(key, bytes, size);
  }

  @Override
  public Locator writeNew(String key, InputStream bytes, long size) throws IOException {
    pass(key);
    return delegate.writeNew(key, bytes, size);
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
