package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
  @Test
  void everyValueFallsInsideItsBucket() {
    Random random = new Random(3);
    for (int i = 0; i < 100_000; i++) {
      long v = (random.nextLong() >>> 1) >>> random.nextInt(63); // non-negative
      int b = LatencyHistogram.index(v);
      assertTrue(b >= 0 && b < LatencyHistogram.BUCKETS, "bucket " + b + " of " + v);
      assertTrue(LatencyHistogram.lowerBound(b) <= v, v + " below bucket " + b);
      if (b + 1 < LatencyHistogram.BUCKETS) {
        assertTrue(v < LatencyHistogram.lowerBound(b + 1), v + " above bucket " + b);
      }
    }
    assertEquals(LatencyHistogram.BUCKETS - 1, LatencyHistogram.index(Long.MAX_VALUE));
    assertEquals(17, LatencyHistogram.index(17));
  }

  @Test
  void quantilesAreWithinSixPercentOfTheExactOnes() {
    Random random = new Random(11);
    long[] values = new long[20_000];
    LatencyHistogram h = new LatencyHistogram();
    for (int i = 0; i < values.length; i++) {
      // log-normal around 2 ms: a realistic latency shape with a long tail
      values[i] = (long) (2e6 * Math.exp(random.nextGaussian()));
      h.record(values[i]);
    }
    Arrays.sort(values);
    for (double q : new double[] {0.5, 0.95, 0.99}) {
      long exact = values[(int) Math.ceil(q * values.length) - 1];
      long estimate = h.quantile(q).orElseThrow().toNanos();
      assertTrue(
          Math.abs(estimate - exact) <= exact * 0.0625, q + ": " + estimate + " vs " + exact);
    }
    assertEquals(values.length, h.count());
  }

  @Test
  void emptyHasNoQuantileAndBucketsRoundTrip() {
    LatencyHistogram h = new LatencyHistogram();
    assertTrue(h.quantile(0.5).isEmpty());
    h.record(Duration.ofMillis(5).toNanos());
    h.record(Duration.ofMillis(5).toNanos());
    h.record(Duration.ofSeconds(1).toNanos());
    LatencyHistogram copy = new LatencyHistogram();
    copy.add(h.buckets());
    assertEquals(h.buckets(), copy.buckets());
    assertEquals(3, copy.count());
    assertEquals(h.quantile(0.99), copy.quantile(0.99));
    assertTrue(copy.quantile(0.5).orElseThrow().toNanos() < Duration.ofMillis(6).toNanos());
    assertThrows(IllegalArgumentException.class, () -> h.quantile(1.5));
    SortedMap<Integer, Long> bad = new TreeMap<>();
    bad.put(LatencyHistogram.BUCKETS, 1L);
    assertThrows(IllegalArgumentException.class, () -> copy.add(bad));
  }

  @Test
  void oldSamplesAgeOutByHalving() {
    LatencyHistogram h = new LatencyHistogram();
    for (long i = 0; i < LatencyHistogram.AGE_AT - 1; i++) {
      h.record(1_000);
    }
    assertEquals(LatencyHistogram.AGE_AT - 1, h.count());
    h.record(1_000);
    assertEquals(LatencyHistogram.AGE_AT / 2, h.count());
    for (long i = 0; i < LatencyHistogram.AGE_AT / 2 + 1; i++) {
      h.record(9_000_000);
    }
    // the recent slow samples now outweigh the halved old fast ones
    assertTrue(h.quantile(0.5).orElseThrow().toNanos() > 8_000_000, "" + h.quantile(0.5));
  }

  @Test
  void aSmallBoundKeepsARecentWindowAndStoredSamplesAgeIntoIt() {
    LatencyHistogram recent = new LatencyHistogram(1024);
    for (int i = 0; i < 10_000; i++) {
      recent.record(Duration.ofMillis(300).toNanos()); // an hour ago the link was slow
    }
    assertTrue(recent.count() < 1024, "a window, not a lifetime: " + recent.count());
    for (int i = 0; i < 4_000; i++) {
      recent.record(Duration.ofMillis(30).toNanos());
    }
    long p95 = recent.quantile(0.95).orElseThrow().toMillis();
    assertTrue(p95 >= 28 && p95 <= 32, "p95 follows the link as it is now: " + p95 + " ms");

    SortedMap<Integer, Long> stored = new TreeMap<>();
    stored.put(LatencyHistogram.index(Duration.ofMillis(300).toNanos()), 100_000L);
    LatencyHistogram loaded = new LatencyHistogram(1024);
    loaded.add(stored);
    assertTrue(loaded.count() < 1024, "stored samples are aged into the window: " + loaded.count());
    assertThrows(IllegalArgumentException.class, () -> new LatencyHistogram(1));
  }
}
