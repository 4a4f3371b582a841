package io.btfshybrid.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MixingTest {
  static final SampleSpace A = SampleSpace.of(new long[] {400, 600}); // globals 0..999
  static final SampleSpace B = SampleSpace.of(new long[] {3000}); // globals 1000..3999

  static EpochOrder mix(int epoch) {
    // 60% / 40% of an epoch of 2500 samples: A repeats (1500 of 1000), B is sub-sampled (1000)
    StreamSpec.Weight a = new StreamSpec.Weight(StreamSpec.Weight.Kind.PROPORTION, 0.6);
    StreamSpec.Weight b = new StreamSpec.Weight(StreamSpec.Weight.Kind.PROPORTION, 0.4);
    long[] per = {a.samplesPerEpoch(1000, 2500), b.samplesPerEpoch(3000, 2500)};
    return new EpochOrder(
        List.of(A, B), per, new OrderSpec(ShuffleAlgorithm.BLOCK_SPREAD, 9, 64, 128), epoch);
  }

  @Test
  void proportionsHoldInEveryMixingBlockAndOverTheEpoch() {
    EpochOrder o = mix(0);
    assertEquals(2500, o.size());
    int fromA = 0;
    int blockA = 0;
    int blocks = (int) ((o.size() + EpochOrder.MIX_BLOCK - 1) / EpochOrder.MIX_BLOCK);
    for (int p = 0; p < o.size(); p++) {
      boolean isA = o.at(p) < 1000;
      fromA += isA ? 1 : 0;
      blockA += isA ? 1 : 0;
      if ((p + 1) % 500 == 0) {
        // 500 consecutive positions: 300 from A, within a tolerance of 4%
        assertTrue(
            Math.abs(blockA - 300) <= 20, "positions up to " + p + ": " + blockA + " from A");
        blockA = 0;
      }
    }
    assertEquals(1500, fromA, "exactly 60% of the epoch");
    assertEquals(3, blocks);
  }

  @Test
  void aRepeatedStreamUsesEverySampleBeforeRepeatingAndBIsNotRepeated() {
    EpochOrder o = mix(0);
    Set<Long> a = new HashSet<>();
    Set<Long> b = new HashSet<>();
    int aCount = 0;
    for (int p = 0; p < o.size(); p++) {
      long g = o.at(p);
      if (g < 1000) {
        a.add(g);
        aCount++;
      } else {
        assertTrue(b.add(g), "B sample " + g + " twice in one epoch");
      }
    }
    assertEquals(1000, a.size(), "every A sample at least once");
    assertEquals(1500, aCount);
    assertEquals(1000, b.size());
    // B's next epoch continues its pass: 1000 other samples of B
    EpochOrder next = mix(1);
    Set<Long> union = new HashSet<>(b);
    for (int p = 0; p < next.size(); p++) {
      long g = next.at(p);
      if (g >= 1000) {
        assertTrue(union.add(g), "B sample " + g + " again before its pass is used up");
      }
    }
    assertEquals(2000, union.size());
  }

  @Test
  void theMixedOrderIsAPureFunction() {
    EpochOrder x = mix(4);
    EpochOrder y = mix(4);
    for (long p = 0; p < x.size(); p += 7) {
      assertEquals(x.at(p), y.at(p));
    }
  }
}
