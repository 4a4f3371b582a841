package io.btfshybrid.loader;

import java.util.PrimitiveIterator;

/**
 * One epoch's order for one rank: the padded global sequence (a multiple of the global batch), cut
 * into global batches of {@code batchSize * worldSize} and each split contiguously across ranks.
 */
public interface EpochPlan {
  /** The epoch. */
  int epoch();

  /** The length of the padded global sequence (a multiple of the global batch). */
  long globalSamples();

  /** How many samples this rank gets ({@code globalSamples() / worldSize}). */
  long samplesForRank();

  /** This rank's global sample indexes from position {@code fromGlobalSample} of the sequence. */
  PrimitiveIterator.OfLong rankOrder(long fromGlobalSample);
}
