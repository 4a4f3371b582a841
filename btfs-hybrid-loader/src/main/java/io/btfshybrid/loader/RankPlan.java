package io.btfshybrid.loader;

import java.util.NoSuchElementException;
import java.util.PrimitiveIterator;

/**
 * The plan of one rank. Position {@code p} of the padded sequence holds the epoch order's sample at
 * {@code p mod E}: padding repeats the start of the epoch's order; with {@code dropLast} the
 * sequence is truncated to a multiple of the global batch instead.
 */
final class RankPlan implements EpochPlan {
  private final EpochOrder order;
  private final int epoch;
  private final long globalBatch;
  private final int batchSize;
  private final int rank;
  private final int worldSize;
  private final long globalSamples;

  RankPlan(EpochOrder order, int epoch, Topology topology, int batchSize, boolean dropLast) {
    this.order = order;
    this.epoch = epoch;
    this.batchSize = batchSize;
    this.rank = topology.rank();
    this.worldSize = topology.worldSize();
    this.globalBatch = (long) batchSize * worldSize;
    long e = order.size();
    long batches = dropLast ? e / globalBatch : (e + globalBatch - 1) / globalBatch;
    this.globalSamples = batches * globalBatch;
  }

  @Override
  public int epoch() {
    return epoch;
  }

  @Override
  public long globalSamples() {
    return globalSamples;
  }

  @Override
  public long samplesForRank() {
    return globalSamples / worldSize;
  }

  long globalBatch() {
    return globalBatch;
  }

  /** The global sample index at position {@code p} of the padded sequence. */
  long sampleAt(long p) {
    return order.at(p % order.size());
  }

  @Override
  public PrimitiveIterator.OfLong rankOrder(long fromGlobalSample) {
    if (fromGlobalSample < 0) {
      throw new IllegalArgumentException("position " + fromGlobalSample + " is negative");
    }
    long first = (long) rank * batchSize;
    long batch = fromGlobalSample / globalBatch;
    long within = fromGlobalSample % globalBatch;
    long start;
    if (within < first) {
      start = batch * globalBatch + first;
    } else if (within < first + batchSize) {
      start = fromGlobalSample;
    } else {
      start = (batch + 1) * globalBatch + first;
    }
    return new PrimitiveIterator.OfLong() {
      private long position = start;

      @Override
      public boolean hasNext() {
        return position < globalSamples;
      }

      @Override
      public long nextLong() {
        if (!hasNext()) {
          throw new NoSuchElementException("rank " + rank + " is at the end of epoch " + epoch);
        }
        long sample = sampleAt(position);
        position++;
        if ((position - first) % globalBatch == batchSize) {
          position += globalBatch - batchSize;
        }
        return sample;
      }
    };
  }
}
