package io.btfshybrid.core.samples;

import io.btfshybrid.api.SampleFormat;

/** A raw shard is one sample and needs no index. */
final class RawIndexer implements SampleIndexer {
  @Override
  public void update(byte[] bytes, int off, int len) {}

  @Override
  public SampleIndex finish() {
    return new SampleIndex(SampleFormat.RAW, 1, null);
  }
}
