package io.btfshybrid.djl;

import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;
import io.btfshybrid.loader.EpochPlan;
import io.btfshybrid.loader.Loader;
import io.btfshybrid.loader.LoaderState;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PrimitiveIterator;

/**
 * A DJL {@link Sampler} that yields this rank's batches in the loader's order: the global indexes
 * of {@link Loader#plan}'s rank order for the current epoch, {@link Loader#batchSize} at a time
 * (every rank the same count; the padding is the loader's). One pass per {@link #sample} call;
 * after {@link #resume} the next pass starts at the state's position, later passes at the start.
 */
public final class LoaderSampler implements Sampler {
  private final Loader loader;
  private int epoch; // guarded by this
  private long from; // guarded by this

  /** A sampler over {@code loader}'s order, at the start of epoch 0. */
  public LoaderSampler(Loader loader) {
    this.loader = java.util.Objects.requireNonNull(loader, "loader");
  }

  /** Samples epoch {@code value} from its start on the next pass. */
  public synchronized LoaderSampler setEpoch(int value) {
    if (value < 0) {
      throw new IllegalArgumentException("epoch " + value + " is negative");
    }
    this.epoch = value;
    this.from = 0;
    return this;
  }

  /** Continues where {@code state} left off (its epoch, its global position) on the next pass. */
  public synchronized LoaderSampler resume(LoaderState state) {
    LoaderState mine = loader.startOf(state.epoch());
    if (!state.manifestHashes().equals(mine.manifestHashes())
        || state.globalBatchSize() != mine.globalBatchSize()) {
      throw new IllegalArgumentException(
          "the loader state was taken over manifests "
              + state.manifestHashes()
              + " with a global batch of "
              + state.globalBatchSize()
              + ", this loader reads "
              + mine.manifestHashes()
              + " with "
              + mine.globalBatchSize());
    }
    setEpoch(state.epoch());
    this.from = state.globalSamplesConsumed();
    return this;
  }

  /** The epoch the next pass samples. */
  public synchronized int epoch() {
    return epoch;
  }

  @Override
  public Iterator<List<Long>> sample(RandomAccessDataset dataset) {
    EpochPlan plan;
    long start;
    synchronized (this) {
      plan = loader.plan(epoch);
      start = from;
      from = 0;
    }
    PrimitiveIterator.OfLong order = plan.rankOrder(start);
    int batch = loader.batchSize();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return order.hasNext();
      }

      @Override
      public List<Long> next() {
        if (!order.hasNext()) {
          throw new NoSuchElementException("epoch " + plan.epoch() + " is done on this rank");
        }
        List<Long> out = new ArrayList<>(batch);
        while (out.size() < batch && order.hasNext()) {
          out.add(order.nextLong());
        }
        return out;
      }
    };
  }

  @Override
  public int getBatchSize() {
    return loader.batchSize();
  }
}
