package io.btfshybrid.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.HashSet;
import java.util.List;
import java.util.PrimitiveIterator;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pure plan of 100,000 shards and 1,000,000,000 samples: no per-sample tables. */
class ScalePlanTest {
  @Test
  void aBillionSamplePlanBuildsFastInLittleMemory() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    System.gc();
    long heapBefore = memory.getHeapMemoryUsage().getUsed();
    long start = System.nanoTime();
    long[] counts = new long[100_000];
    java.util.Arrays.fill(counts, 10_000);
    SampleSpace space = SampleSpace.of(counts);
    EpochOrder order =
        new EpochOrder(
            List.of(space),
            new long[] {space.size()},
            new OrderSpec(ShuffleAlgorithm.BLOCK_SPREAD, 17, 64, 1 << 18),
            0);
    RankPlan plan = new RankPlan(order, 0, new Topology(3, 8, 8), 256, false);
    PrimitiveIterator.OfLong it = plan.rankOrder(0);
    Set<Long> first = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      first.add(it.nextLong());
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    long heapAfter = memory.getHeapMemoryUsage().getUsed();

    assertEquals(1_000_000_000L, space.size());
    // padded up to a multiple of the global batch of 8 x 256 = 2048
    assertEquals(488_282L * 2048, plan.globalSamples());
    assertEquals(488_282L * 256, plan.samplesForRank());
    assertEquals(10_000, first.size(), "distinct samples");
    assertTrue(millis < 2_000, "plan and first 10,000 samples took " + millis + " ms");
    // the shard table is 0.8 MB; anything near 64 MB would mean a per-sample table
    assertTrue(
        heapAfter - heapBefore < 64L << 20, "heap grew by " + (heapAfter - heapBefore) + " bytes");
    for (ShuffleAlgorithm a : ShuffleAlgorithm.values()) {
      EpochOrder o =
          new EpochOrder(
              List.of(space), new long[] {space.size()}, new OrderSpec(a, 1, 64, 1 << 18), 5);
      long last = o.at(999_999_999L);
      assertTrue(last >= 0 && last < 1_000_000_000L, a + " -> " + last);
    }
  }
}
