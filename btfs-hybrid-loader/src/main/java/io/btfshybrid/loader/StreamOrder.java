package io.btfshybrid.loader;

/**
 * The order of one stream's samples in one pass, as a pure function of its sample space, the
 * algorithm, the stream key, the pass, the canonical partitions and the block size (see {@link
 * ShuffleAlgorithm} for the definitions). Random access in O(1) ({@code SHARD_LOCAL}: O(log
 * shards)).
 */
final class StreamOrder {
  private static final long TAG_GLOBAL = 1;
  private static final long TAG_SHARD = 2;
  private static final long TAG_BLOCKS = 3;
  private static final long TAG_BLOCK = 4;
  private static final long TAG_STAGGER = 5;
  private static final long TAG_WINDOW = 6;

  private final SampleSpace space;
  private final ShuffleAlgorithm algorithm;
  private final long key;
  private final long n;
  private final int partitions;
  private final long quotient;
  private final long remainder;
  private final int blockSize;

  StreamOrder(
      SampleSpace space,
      ShuffleAlgorithm algorithm,
      long streamKey,
      long pass,
      int partitions,
      int blockSize) {
    this.space = space;
    this.algorithm = algorithm;
    this.key = Mix64.key(streamKey, pass);
    this.n = space.size();
    this.partitions = partitions;
    this.quotient = n / partitions;
    this.remainder = n % partitions;
    this.blockSize = blockSize;
  }

  /** The stream sample at position {@code p} of this pass. */
  long at(long p) {
    if (p < 0 || p >= n) {
      throw new IndexOutOfBoundsException("position " + p + " outside 0.." + n);
    }
    if (algorithm == ShuffleAlgorithm.NONE) {
      return p;
    }
    if (algorithm == ShuffleAlgorithm.GLOBAL) {
      return Feistel.permute(n, Mix64.key(key, TAG_GLOBAL), p);
    }
    long full = quotient * partitions;
    int j = (int) (p < full ? p % partitions : p - full);
    long i = p < full ? p / partitions : quotient;
    long start = j * quotient + Math.min(j, remainder);
    long length = quotient + (j < remainder ? 1 : 0);
    return start + local(j, start, length, i);
  }

  private long local(int j, long start, long length, long i) {
    return switch (algorithm) {
      case SHARD_LOCAL -> shardLocal(j, start, length, i);
      case BLOCK -> block(j, length, i);
      case BLOCK_SPREAD -> spread(j, length, i);
      default -> throw new AssertionError(algorithm);
    };
  }

  private long shardLocal(int j, long start, long length, long i) {
    int shard = space.shardOf(start + i);
    long from = Math.max(start, space.start(shard));
    long to = Math.min(start + length, space.start(shard + 1));
    long k = Mix64.key(key, TAG_SHARD, j, shard);
    return from - start + Feistel.permute(to - from, k, start + i - from);
  }

  private long block(int j, long length, long i) {
    long fullBlocks = length / blockSize;
    long inFull = fullBlocks * blockSize;
    if (i >= inFull) {
      return inFull
          + Feistel.permute(length - inFull, Mix64.key(key, TAG_BLOCK, j, -1), i - inFull);
    }
    long b = Feistel.permute(fullBlocks, Mix64.key(key, TAG_BLOCKS, j), i / blockSize);
    return b * blockSize
        + Feistel.permute(blockSize, Mix64.key(key, TAG_BLOCK, j, b), i % blockSize);
  }

  private long spread(int j, long length, long i) {
    long stagger = Long.remainderUnsigned(Mix64.key(key, TAG_STAGGER, j), blockSize);
    long t = i + stagger;
    long w = t / blockSize;
    long from = Math.max(w * blockSize, stagger) - stagger;
    long to = Math.min((w + 1) * blockSize, length + stagger) - stagger;
    return from + Feistel.permute(to - from, Mix64.key(key, TAG_WINDOW, j, w), i - from);
  }
}
