package io.btfshybrid.loader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The order is frozen: these vectors are what version 1 of every algorithm yields. Changing an
 * algorithm must change these vectors and {@link ShuffleAlgorithm#VERSION} together, so a resumed
 * run can never silently get another order.
 */
class OrderGoldenTest {
  /** Shards of 3, 5, 0, 4 and 8 samples; 3 partitions, blocks of 4, seed 17. */
  static final SampleSpace SPACE = SampleSpace.of(new long[] {3, 5, 0, 4, 8});

  static long[] order(ShuffleAlgorithm a, int epoch) {
    EpochOrder o =
        new EpochOrder(List.of(SPACE), new long[] {20}, new OrderSpec(a, 17, 3, 4), epoch);
    long[] v = new long[20];
    for (int p = 0; p < 20; p++) {
      v[p] = o.at(p);
    }
    return v;
  }

  @Test
  void goldenVectorsAreOfVersionOne() {
    assertEquals(1, ShuffleAlgorithm.VERSION, "new vectors below need a new version, and back");
  }

  @Test
  void splitMix64MatchesTheReferenceSequence() {
    // the first outputs of Vigna's splitmix64.c seeded with 1234567
    String[] reference = {
      "6457827717110365317",
      "3203168211198807973",
      "9817491932198370423",
      "4593380528125082431",
      "16408922859458223821"
    };
    for (int k = 0; k < reference.length; k++) {
      assertEquals(Long.parseUnsignedLong(reference[k]), Mix64.splitMix(1234567, k + 1), "k=" + k);
    }
  }

  @Test
  void keysAndFeistelAreFrozen() {
    assertEquals(-5168621310507606800L, Mix64.key(17));
    assertEquals(6181997231586948573L, Mix64.key(1, 2, 3));
    long[] small = new long[10];
    for (int i = 0; i < 10; i++) {
      small[i] = Feistel.permute(10, Mix64.key(17), i);
    }
    assertArrayEquals(new long[] {2, 6, 5, 8, 7, 4, 0, 9, 1, 3}, small);
    long[] big = new long[5];
    for (int i = 0; i < 5; i++) {
      big[i] = Feistel.permute(1_000_000_007L, 42, i);
    }
    assertArrayEquals(new long[] {102818532, 2299831, 210928015, 818638978, 779012876}, big);
  }

  @Test
  void noneIsManifestOrder() {
    long[] identity = new long[20];
    for (int i = 0; i < 20; i++) {
      identity[i] = i;
    }
    assertArrayEquals(identity, order(ShuffleAlgorithm.NONE, 0));
    assertArrayEquals(identity, order(ShuffleAlgorithm.NONE, 1));
  }

  @Test
  void shardLocalIsFrozen() {
    assertArrayEquals(
        new long[] {1, 7, 18, 0, 8, 16, 2, 11, 19, 4, 9, 14, 6, 10, 17, 3, 13, 15, 5, 12},
        order(ShuffleAlgorithm.SHARD_LOCAL, 0));
    assertArrayEquals(
        new long[] {1, 7, 14, 2, 11, 15, 0, 10, 18, 6, 8, 16, 3, 9, 17, 4, 12, 19, 5, 13},
        order(ShuffleAlgorithm.SHARD_LOCAL, 1));
  }

  @Test
  void blockIsFrozen() {
    assertArrayEquals(
        new long[] {1, 8, 17, 2, 10, 16, 3, 7, 15, 0, 9, 14, 4, 12, 18, 5, 13, 19, 6, 11},
        order(ShuffleAlgorithm.BLOCK, 0));
    assertArrayEquals(
        new long[] {2, 10, 16, 1, 9, 14, 3, 8, 15, 0, 7, 17, 5, 13, 18, 4, 12, 19, 6, 11},
        order(ShuffleAlgorithm.BLOCK, 1));
  }

  @Test
  void blockSpreadIsFrozen() {
    assertArrayEquals(
        new long[] {0, 7, 15, 1, 10, 17, 4, 9, 14, 5, 11, 16, 2, 8, 18, 3, 13, 19, 6, 12},
        order(ShuffleAlgorithm.BLOCK_SPREAD, 0));
    assertArrayEquals(
        new long[] {1, 7, 17, 0, 8, 14, 4, 10, 15, 3, 9, 16, 5, 13, 19, 2, 11, 18, 6, 12},
        order(ShuffleAlgorithm.BLOCK_SPREAD, 1));
  }

  @Test
  void globalIsFrozen() {
    assertArrayEquals(
        new long[] {3, 2, 19, 13, 12, 11, 6, 18, 16, 4, 7, 9, 15, 1, 14, 8, 5, 10, 0, 17},
        order(ShuffleAlgorithm.GLOBAL, 0));
    assertArrayEquals(
        new long[] {19, 1, 9, 8, 6, 17, 10, 4, 15, 14, 7, 12, 0, 3, 13, 5, 11, 18, 16, 2},
        order(ShuffleAlgorithm.GLOBAL, 1));
  }

  @Test
  void mixingIsFrozen() {
    SampleSpace a = SampleSpace.of(new long[] {10, 10});
    SampleSpace b = SampleSpace.of(new long[] {30});
    EpochOrder mix =
        new EpochOrder(
            List.of(a, b), new long[] {6, 9}, new OrderSpec(ShuffleAlgorithm.NONE, 17, 2, 4), 0);
    long[] m = new long[15];
    for (int p = 0; p < 15; p++) {
      m[p] = mix.at(p);
    }
    assertArrayEquals(new long[] {5, 26, 24, 2, 22, 25, 4, 27, 28, 20, 1, 23, 3, 0, 21}, m);
  }

  @Test
  void feistelIsABijectionForEverySize() {
    Random r = new Random(5);
    for (long n = 1; n <= 300; n++) {
      assertPermutation(n, r.nextLong());
    }
    assertPermutation(65_537, 99);
  }

  private static void assertPermutation(long n, long key) {
    BitSet seen = new BitSet();
    for (long i = 0; i < n; i++) {
      long v = Feistel.permute(n, key, i);
      assertTrue(v >= 0 && v < n, "n=" + n + " i=" + i + " -> " + v);
      assertTrue(!seen.get((int) v), "n=" + n + " repeats " + v);
      seen.set((int) v);
    }
  }

  @Test
  void everyAlgorithmIsAPermutationThatRespectsItsLocality() {
    long[] counts = {7, 0, 13, 1, 40, 22, 9, 100, 3};
    SampleSpace space = SampleSpace.of(counts);
    int n = (int) space.size();
    for (ShuffleAlgorithm a : ShuffleAlgorithm.values()) {
      for (int partitions : new int[] {1, 4, 64, 500}) {
        EpochOrder o =
            new EpochOrder(List.of(space), new long[] {n}, new OrderSpec(a, 3, partitions, 16), 2);
        BitSet seen = new BitSet();
        for (int p = 0; p < n; p++) {
          int v = (int) o.at(p);
          assertTrue(!seen.get(v), a + " P=" + partitions + " repeats " + v);
          seen.set(v);
          if (a == ShuffleAlgorithm.SHARD_LOCAL && partitions == 1) {
            // one partition: position p stays inside the shard that holds sample p
            assertEquals(space.shardOf(p), space.shardOf(v), "shard-local moved " + p);
          }
          if (a == ShuffleAlgorithm.BLOCK_SPREAD && partitions == 1) {
            assertTrue(Math.abs(v - p) < 16, "spread moved " + p + " to " + v);
          }
        }
        assertEquals(n, seen.cardinality(), a + " P=" + partitions);
      }
    }
  }
}
