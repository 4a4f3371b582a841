package io.btfshybrid.loader;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.PrimitiveIterator;

/**
 * Benchmark access to the loader's pure plan (package-private types, the same entry point as the
 * loader's own ScalePlanTest): a synthetic shard table of {@code shards} x {@code samplesPerShard}
 * samples, no I/O. Lives in the bench module only; the loader does not ship it.
 */
public final class ScalePlanProbe {
  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

  private ScalePlanProbe() {}

  /** What one probe measured. Heap figures are used heap after a full GC, in bytes. */
  public record Result(
      long totalSamples,
      long globalSamples,
      long samplesForRank,
      long buildNanos,
      long heapBefore,
      long heapAfterBuild,
      long heapWhileIterating,
      long iterated,
      long iterateNanos,
      long checksum) {}

  /**
   * Builds the sample space, epoch order and this rank's plan (timed), then walks the first {@code
   * iterate} positions of its order; heap is measured after GC before, after the build and while
   * the iterator is live halfway through and at the end (the larger of the two is reported).
   */
  public static Result run(
      int shards,
      long samplesPerShard,
      ShuffleAlgorithm algorithm,
      int rank,
      int worldSize,
      int batchSize,
      int blockSize,
      long iterate) {
    long heapBefore = usedAfterGc();
    long t0 = System.nanoTime();
    long[] counts = new long[shards];
    Arrays.fill(counts, samplesPerShard);
    SampleSpace space = SampleSpace.of(counts);
    EpochOrder order =
        new EpochOrder(
            List.of(space),
            new long[] {space.size()},
            new OrderSpec(algorithm, 17, Loader.DEFAULT_CANONICAL_PARTITIONS, blockSize),
            0);
    RankPlan plan =
        new RankPlan(order, 0, new Topology(rank, worldSize, worldSize), batchSize, false);
    long buildNanos = System.nanoTime() - t0;
    long heapAfterBuild = usedAfterGc();
    long t1 = System.nanoTime();
    PrimitiveIterator.OfLong it = plan.rankOrder(0);
    long checksum = 0;
    long n = 0;
    long heapMid = 0;
    while (n < iterate && it.hasNext()) {
      checksum += it.nextLong() * 31 + n;
      n++;
      if (n == iterate / 2) {
        long t = System.nanoTime();
        heapMid = usedAfterGc();
        t1 += System.nanoTime() - t; // GC time is not iteration time
      }
    }
    long iterateNanos = System.nanoTime() - t1;
    long heapEnd = usedAfterGc();
    // keep the plan and iterator reachable until after the last measurement
    checksum += it.hasNext() ? 1 : 0;
    checksum += plan.samplesForRank() + space.size();
    return new Result(
        space.size(),
        plan.globalSamples(),
        plan.samplesForRank(),
        buildNanos,
        heapBefore,
        heapAfterBuild,
        Math.max(heapMid, heapEnd),
        n,
        iterateNanos,
        checksum);
  }

  private static long usedAfterGc() {
    for (int i = 0; i < 2; i++) {
      System.gc();
    }
    return MEMORY.getHeapMemoryUsage().getUsed();
  }
}
