package io.btfshybrid.loader;

/**
 * The project's random generator, frozen by golden vectors in the tests (a change here must bump
 * {@link ShuffleAlgorithm#VERSION}).
 *
 * <p>{@link #mix} is the SplitMix64 output function (Steele, Lea and Flood 2014; the constants of
 * {@code java.util.SplittableRandom}): {@code z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9; z = (z ^
 * (z >>> 27)) * 0x94D049BB133111EB; return z ^ (z >>> 31)}. The SplitMix64 sequence of seed {@code
 * s} is {@code mix(s + k * GOLDEN)} for {@code k = 1, 2, ...}. {@link #key} derives a key from a
 * list of parts: {@code h = GOLDEN; for each part p: h = mix(h ^ mix(p))}.
 */
final class Mix64 {
  /** 2^64 divided by the golden ratio, SplitMix64's increment. */
  static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private Mix64() {}

  /** The SplitMix64 output function. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** The {@code k}-th output (from 1) of SplitMix64 seeded with {@code seed}. */
  static long splitMix(long seed, long k) {
    return mix(seed + k * GOLDEN);
  }

  /** A key derived from {@code parts}, in order. */
  static long key(long... parts) {
    long h = GOLDEN;
    for (long p : parts) {
      h = mix(h ^ mix(p));
    }
    return h;
  }
}
