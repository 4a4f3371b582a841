package io.btfshybrid.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PrimitiveIterator;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PartitionTest {
  static final int N = 997; // prime: never a multiple of a global batch
  static final SampleSpace SPACE = SampleSpace.of(new long[] {100, 0, 397, 250, 1, 249});

  static RankPlan plan(int rank, int world, int batch, boolean dropLast, int epoch) {
    EpochOrder order =
        new EpochOrder(
            List.of(SPACE),
            new long[] {N},
            new OrderSpec(ShuffleAlgorithm.BLOCK_SPREAD, 11, 64, 32),
            epoch);
    return new RankPlan(order, epoch, new Topology(rank, world, world), batch, dropLast);
  }

  static List<Long> all(PrimitiveIterator.OfLong it) {
    List<Long> out = new ArrayList<>();
    it.forEachRemaining((long v) -> out.add(v));
    return out;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 8})
  void ranksAreEqualDisjointApartFromPaddingAndCoverTheEpoch(int world) {
    int batch = 5;
    long globalBatch = (long) batch * world;
    long padded = (N + globalBatch - 1) / globalBatch * globalBatch;
    Map<Long, Integer> seen = new HashMap<>();
    List<Long> epochStart = all(plan(0, 1, 1, false, 0).rankOrder(0)); // the unpadded order
    for (int r = 0; r < world; r++) {
      RankPlan p = plan(r, world, batch, false, 0);
      List<Long> mine = all(p.rankOrder(0));
      assertEquals(padded, p.globalSamples());
      assertEquals(padded / world, mine.size(), "rank " + r + " of " + world);
      assertEquals(p.samplesForRank(), mine.size());
      mine.forEach(s -> seen.merge(s, 1, Integer::sum));
    }
    assertEquals(N, seen.size(), "the union is the whole epoch");
    // samples seen twice are exactly the padding: the first (padded - N) of the epoch's order
    Set<Long> twice = new HashSet<>();
    seen.forEach(
        (s, c) -> {
          assertTrue(c <= 2, "sample " + s + " seen " + c + " times");
          if (c == 2) {
            twice.add(s);
          }
        });
    assertEquals(new HashSet<>(epochStart.subList(0, (int) (padded - N))), twice);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 8})
  void dropLastMakesRanksFullyDisjoint(int world) {
    int batch = 7;
    long globalBatch = (long) batch * world;
    Set<Long> union = new HashSet<>();
    long total = 0;
    for (int r = 0; r < world; r++) {
      List<Long> mine = all(plan(r, world, batch, true, 3).rankOrder(0));
      assertEquals(N / globalBatch * batch, mine.size());
      union.addAll(mine);
      total += mine.size();
    }
    assertEquals(total, union.size(), "no sample on two ranks");
    assertEquals(N / globalBatch * globalBatch, total);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 4, 8})
  void theGlobalSequenceIsTheSameForEveryWorldWithTheSameGlobalBatch(int world) {
    int globalBatch = 8;
    List<Long> reference = all(plan(0, 1, globalBatch, false, 1).rankOrder(0));
    List<List<Long>> ranks = new ArrayList<>();
    for (int r = 0; r < world; r++) {
      ranks.add(all(plan(r, world, globalBatch / world, false, 1).rankOrder(0)));
    }
    List<Long> merged = new ArrayList<>();
    int b = globalBatch / world;
    for (int step = 0; step * b < ranks.get(0).size(); step++) {
      for (List<Long> rank : ranks) {
        merged.addAll(rank.subList(step * b, step * b + b));
      }
    }
    assertEquals(reference, merged);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 4, 5, 9, 40})
  void rankOrderFromAPositionSkipsToThatRanksNextSample(int from) {
    RankPlan p = plan(1, 2, 5, false, 0);
    List<Long> whole = all(p.rankOrder(0));
    // rank 1 owns positions 5..9 of every global batch of 10
    int skipped = 0;
    for (int pos = 0; pos < from; pos++) {
      if (pos % 10 >= 5) {
        skipped++;
      }
    }
    assertEquals(whole.subList(skipped, whole.size()), all(p.rankOrder(from)));
  }
}
