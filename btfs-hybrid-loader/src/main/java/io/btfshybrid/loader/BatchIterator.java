package io.btfshybrid.loader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * One rank's batches of one epoch, from a global position. At the end of the epoch its prefetch,
 * already reading the next epoch's first samples, is handed to the loader for the next iterator.
 */
final class BatchIterator implements LoaderIterator {
  private final Loader loader;
  private final RankPlan plan;
  private final LoaderState template;
  private final Prefetcher prefetch;
  private final int batchSize;
  private long consumed;
  private boolean handedOff;
  private boolean closed;

  BatchIterator(
      Loader loader,
      RankPlan plan,
      LoaderState template,
      long consumed,
      Prefetcher prefetch,
      int batchSize) {
    this.loader = loader;
    this.plan = plan;
    this.template = template;
    this.consumed = consumed;
    this.prefetch = prefetch;
    this.batchSize = batchSize;
  }

  @Override
  public boolean hasNext() {
    return !closed && consumed < plan.globalSamples();
  }

  @Override
  public SampleBatch next() {
    if (!hasNext()) {
      throw new NoSuchElementException(
          closed ? "the iterator is closed" : "epoch " + plan.epoch() + " is done");
    }
    List<Sample> out = new ArrayList<>(batchSize);
    long bytes = 0;
    try {
      for (int i = 0; i < batchSize; i++) {
        Sample s = prefetch.take();
        bytes += s.length();
        out.add(s);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    consumed += plan.globalBatch();
    loader.metrics().delivered(out.size(), bytes);
    if (consumed >= plan.globalSamples()) {
      handedOff = true;
      loader.handOff(plan.epoch() + 1, template, prefetch);
    }
    return new Batch(out);
  }

  @Override
  public LoaderState state() {
    return template.at(plan.epoch(), consumed);
  }

  @Override
  public void close() {
    closed = true;
    if (!handedOff) {
      prefetch.close();
    }
  }
}
