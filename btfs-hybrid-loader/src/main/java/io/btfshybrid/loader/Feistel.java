package io.btfshybrid.loader;

/**
 * A keyed permutation of {@code [0, n)} in O(1) memory: a balanced Feistel network over the
 * smallest even number of bits {@code 2h} with {@code 2^(2h) >= n} (at least 2), six rounds, and
 * cycle walking (re-apply until the value is below {@code n}). Round {@code r} (0 to 5) maps {@code
 * (L, R)} to {@code (R, L ^ (mix(key ^ mix(R + (r + 1) * GOLDEN)) & mask))}, with {@code mask = 2^h
 * - 1} and {@code mix} the SplitMix64 output function ({@link Mix64}). Frozen by golden vectors; a
 * change must bump {@link ShuffleAlgorithm#VERSION}.
 */
final class Feistel {
  private static final int ROUNDS = 6;

  private Feistel() {}

  /** Where {@code i} goes under the permutation of {@code [0, n)} keyed by {@code key}. */
  static long permute(long n, long key, long i) {
    if (i < 0 || i >= n) {
      throw new IndexOutOfBoundsException("position " + i + " outside 0.." + n);
    }
    if (n <= 1) {
      return i;
    }
    int bits = Math.max(2, 64 - Long.numberOfLeadingZeros(n - 1));
    int half = (bits + 1) / 2;
    long mask = (1L << half) - 1;
    long x = i;
    do {
      long left = x >>> half;
      long right = x & mask;
      for (int r = 0; r < ROUNDS; r++) {
        long f = Mix64.mix(key ^ Mix64.mix(right + (r + 1) * Mix64.GOLDEN)) & mask;
        long next = left ^ f;
        left = right;
        right = next;
      }
      x = (left << half) | right;
    } while (x >= n);
    return x;
  }
}
