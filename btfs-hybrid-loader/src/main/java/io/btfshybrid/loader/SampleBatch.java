package io.btfshybrid.loader;

import java.util.Iterator;
import java.util.List;

/** One batch of this rank's samples; its samples are valid until it is closed. */
public interface SampleBatch extends Iterable<Sample>, AutoCloseable {
  /** How many samples (the batch size: every batch is full). */
  int size();

  /** The samples, in order. */
  List<Sample> samples();

  @Override
  default Iterator<Sample> iterator() {
    return samples().iterator();
  }

  /** Releases the samples' bytes. */
  @Override
  void close();
}
