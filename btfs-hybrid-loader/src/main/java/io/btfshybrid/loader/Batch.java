package io.btfshybrid.loader;

import java.util.List;

/** A batch of loaded samples; closing drops them. */
final class Batch implements SampleBatch {
  private volatile List<Sample> samples;
  private final int size;

  Batch(List<Sample> samples) {
    this.samples = List.copyOf(samples);
    this.size = samples.size();
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public List<Sample> samples() {
    List<Sample> s = samples;
    if (s == null) {
      throw new IllegalStateException("the batch is closed");
    }
    return s;
  }

  @Override
  public void close() {
    samples = null;
  }
}
