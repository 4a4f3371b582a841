package io.btfshybrid.loader;

import java.util.Iterator;

/**
 * This rank's batches of one epoch; {@link #state()} is where a checkpoint resumes. Used from one
 * thread. A read that fails for good (every tier refused or corrupted a chunk) surfaces from {@link
 * #next()} as an {@link java.io.UncheckedIOException} whose cause is the typed {@code
 * HybridStorageException} naming the shard.
 */
public interface LoaderIterator extends Iterator<SampleBatch>, AutoCloseable {
  /** The global state after the last batch returned (the same on every rank at that step). */
  LoaderState state();

  /** Stops the prefetch and drops what it holds. */
  @Override
  void close();
}
