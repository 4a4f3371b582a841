package io.btfshybrid.loader;

/**
 * How an epoch's order is drawn. Every algorithm is a pure function of the manifests' sample
 * counts, the seed, the epoch, the canonical partitions and the block size; its exact definition is
 * frozen by golden vectors and recorded in {@link LoaderState} with {@link #VERSION}.
 *
 * <p>The interleaved algorithms ({@link #SHARD_LOCAL}, {@link #BLOCK}, {@link #BLOCK_SPREAD}) cut a
 * stream's {@code N} samples into {@code P} canonical partitions of contiguous samples (sizes
 * {@code N / P} or one more, the larger first), order each partition on its own, and read them
 * round robin: position {@code p < P * (N / P)} is item {@code p / P} of partition {@code p % P};
 * the rest are the last items of the larger partitions, in partition order.
 */
public enum ShuffleAlgorithm {
  /** No shuffle: samples in manifest and file order, no interleaving. */
  NONE,
  /** Inside each shard's part of a partition, a keyed permutation of its samples. */
  SHARD_LOCAL,
  /** Partitions cut into blocks of {@code blockSize}; blocks and samples inside each shuffled. */
  BLOCK,
  /**
   * The default: each partition cut into windows of {@code blockSize} at an offset drawn per
   * partition and epoch (so partitions do not reach shard boundaries together); samples are
   * shuffled inside each window and windows keep their order, so each shard's samples spread over
   * about one window and downloads stay smooth.
   */
  BLOCK_SPREAD,
  /** A keyed permutation of all samples of a stream (no partitions), in O(1) memory. */
  GLOBAL;

  /** The version of every algorithm's definition; part of {@link LoaderState}. */
  public static final int VERSION = 1;
}
