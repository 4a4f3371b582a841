package io.btfshybrid.core;

import com.google.common.base.Preconditions;
import java.time.Duration;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A compact latency distribution in nanoseconds: log-linear buckets (16 per power of two, so any
 * quantile is within about 6% of the true value), a few hundred longs at most. When it has counted
 * {@link #AGE_AT} samples (or the smaller bound it was made with) every bucket is halved, so older
 * samples weigh less than recent ones: a small bound keeps a recent window. Its sparse {@link
 * #buckets()} are what the state directory stores. Thread-safe.
 */
final class LatencyHistogram {
  /** Sub-buckets per power of two. */
  private static final int SUB_BITS = 4;

  private static final int SUB = 1 << SUB_BITS;

  /** Buckets for values up to Long.MAX_VALUE nanoseconds. */
  static final int BUCKETS = (64 - SUB_BITS) * SUB;

  /** Counted samples after which every bucket is halved. */
  static final long AGE_AT = 1L << 20;

  private final long[] counts = new long[BUCKETS];
  private final long ageAt;
  private long total;

  /** A distribution that ages every {@link #AGE_AT} samples. */
  LatencyHistogram() {
    this(AGE_AT);
  }

  /** A distribution that ages every {@code ageAt} samples (a window of about that many). */
  LatencyHistogram(long ageAt) {
    Preconditions.checkArgument(
        ageAt >= 2 && ageAt <= AGE_AT, "ageAt must be within 2..%s, was %s", AGE_AT, ageAt);
    this.ageAt = ageAt;
  }

  /** Counts one sample of {@code nanos} (negative values count as zero). */
  synchronized void record(long nanos) {
    counts[index(Math.max(0, nanos))]++;
    total++;
    age();
  }

  /** Halves every bucket while the count is at the bound. */
  private void age() {
    while (total >= ageAt) {
      total = 0;
      for (int i = 0; i < BUCKETS; i++) {
        counts[i] >>= 1;
        total += counts[i];
      }
    }
  }

  /** The samples counted (after ageing). */
  synchronized long count() {
    return total;
  }

  /**
   * The value below which a fraction {@code q} of the samples fall (a bucket's midpoint), or empty
   * when nothing was counted.
   */
  synchronized Optional<Duration> quantile(double q) {
    Preconditions.checkArgument(q >= 0 && q <= 1, "quantile must be within 0..1, was %s", q);
    if (total == 0) {
      return Optional.empty();
    }
    long rank = Math.max(1, (long) Math.ceil(q * total));
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return Optional.of(Duration.ofNanos(lowerBound(i) + (width(i) - 1) / 2));
      }
    }
    throw new IllegalStateException("histogram total " + total + " exceeds its buckets");
  }

  /** The non-empty buckets: index to count. */
  synchronized SortedMap<Integer, Long> buckets() {
    SortedMap<Integer, Long> out = new TreeMap<>();
    for (int i = 0; i < BUCKETS; i++) {
      if (counts[i] > 0) {
        out.put(i, counts[i]);
      }
    }
    return out;
  }

  /** Adds stored buckets (from the state directory); refuses an index or count out of range. */
  synchronized void add(SortedMap<Integer, Long> stored) {
    for (var e : stored.entrySet()) {
      Preconditions.checkArgument(
          e.getKey() >= 0 && e.getKey() < BUCKETS, "no histogram bucket %s", e.getKey());
      Preconditions.checkArgument(
          e.getValue() > 0 && e.getValue() <= AGE_AT, "bucket count %s", e.getValue());
    }
    stored.forEach(
        (i, n) -> {
          counts[i] += n;
          total += n;
        });
    age();
  }

  /** The bucket of {@code v}: exact below 32, then 16 buckets per power of two. */
  static int index(long v) {
    if (v < 2 * SUB) {
      return (int) v;
    }
    int exponent = 63 - Long.numberOfLeadingZeros(v);
    int mantissa = (int) (v >>> (exponent - SUB_BITS)) & (SUB - 1);
    return (exponent - SUB_BITS + 1) * SUB + mantissa;
  }

  /** The smallest value of bucket {@code i}. */
  static long lowerBound(int i) {
    if (i < 2 * SUB) {
      return i;
    }
    int exponent = i / SUB + SUB_BITS - 1;
    return (long) (SUB + i % SUB) << (exponent - SUB_BITS);
  }

  private static long width(int i) {
    return i < 2 * SUB ? 1 : 1L << (i / SUB - 1);
  }
}
