package io.btfshybrid.core;

import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectInfo;
import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.TierKind;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/** A tier that forwards every call to another; tests override the calls they interfere with. */
class ForwardingTier implements StorageTier {
  final StorageTier delegate;

  ForwardingTier(StorageTier delegate) {
    this.delegate = delegate;
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
    return delegate.write(key, bytes, size);
  }

  @Override
  public Locator writeNew(String key, InputStream bytes, long size) throws IOException {
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
