package io.btfshybrid.loader;

/** The parameters of the pure order besides the streams and the epoch. */
record OrderSpec(ShuffleAlgorithm algorithm, long seed, int partitions, int blockSize) {
  OrderSpec {
    if (partitions <= 0 || blockSize <= 0) {
      throw new IllegalArgumentException(
          "partitions " + partitions + " and block size " + blockSize + " must be positive");
    }
  }
}
