package io.btfshybrid.s3;

/**
 * How a tier's large reads split into ranged parts, learned from the link: each read starts from
 * the parallelism and part size the previous one reached, grows the parts in flight while the
 * throughput grows (up to {@code maxParallelism}), and doubles the part size (up to {@code
 * maxPartSize}) while the wait for the first byte is a large share of a part's transfer.
 */
final class ReadTuning {
  /** An epoch's throughput must beat the best by this factor for the parallelism to grow. */
  private static final double GROWTH = 1.15;

  /** A part whose first byte took more than this share of its transfer is too small. */
  private static final double FIRST_BYTE_SHARE = 0.10;

  private final int maxParallelism;
  private final long maxPartSize;
  private int parallelism;
  private long partSize;

  ReadTuning(int initialParallelism, int maxParallelism, long partSize, long maxPartSize) {
    this.parallelism = Math.min(initialParallelism, maxParallelism);
    this.maxParallelism = maxParallelism;
    this.partSize = partSize;
    this.maxPartSize = Math.max(partSize, maxPartSize);
  }

  /** A fresh probe for one read, starting from what the tier learned so far. */
  synchronized Probe probe() {
    return new Probe(parallelism, partSize);
  }

  int maxParallelism() {
    return maxParallelism;
  }

  private synchronized void learned(int parallelism, long partSize) {
    this.parallelism = parallelism;
    this.partSize = Math.max(this.partSize, partSize);
  }

  /** One read's view: parts in flight and part size now, adjusted as parts complete. */
  final class Probe {
    private int parallelism;
    private long partSize;
    private boolean settled;
    private double bestRate;
    private long epochStart = System.nanoTime();
    private long epochBytes;
    private int epochParts;

    private Probe(int parallelism, long partSize) {
      this.parallelism = parallelism;
      this.partSize = partSize;
    }

    int parallelism() {
      return parallelism;
    }

    long partSize() {
      return partSize;
    }

    /**
     * A part of {@code bytes} finished: it was asked for at {@code asked}, its first byte came at
     * {@code firstByte} and its last at {@code done} ({@link System#nanoTime}).
     */
    void partDone(long bytes, long asked, long firstByte, long done) {
      long transfer = done - asked;
      if (bytes >= partSize
          && partSize < maxPartSize
          && transfer > 0
          && firstByte - asked > FIRST_BYTE_SHARE * transfer) {
        partSize = Math.min(maxPartSize, partSize * 2);
      }
      epochBytes += bytes;
      if (++epochParts < parallelism) {
        return;
      }
      double rate = epochBytes / (double) Math.max(1, done - epochStart);
      if (!settled && parallelism < maxParallelism && rate > bestRate * GROWTH) {
        bestRate = rate;
        parallelism = Math.min(maxParallelism, parallelism * 2);
      } else if (rate <= bestRate * GROWTH) {
        settled = true; // more parts in flight stopped paying: stay here
      }
      epochStart = done;
      epochBytes = 0;
      epochParts = 0;
      learned(parallelism, partSize);
    }
  }
}
