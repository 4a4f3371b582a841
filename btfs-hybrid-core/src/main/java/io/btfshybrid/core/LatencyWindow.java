package io.btfshybrid.core;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The most recent times to first byte per tier (a ring of {@value #SAMPLES}), and their quantiles
 * once {@value #MIN_SAMPLES} are known. Kept apart from {@link HealthTracker}'s scores so that a
 * fuller latency model (persisted, per operation) can replace it behind {@link
 * HealthTracker#firstByteQuantile}.
 */
final class LatencyWindow {
  static final int SAMPLES = 256;
  static final int MIN_SAMPLES = 16;

  private final Map<String, Ring> byTier = new ConcurrentHashMap<>();

  void record(String tierId, long nanos) {
    byTier.computeIfAbsent(tierId, id -> new Ring()).add(nanos);
  }

  /** The {@code q} quantile (0..1) of {@code tierId}'s recent times to first byte. */
  Optional<Duration> quantile(String tierId, double q) {
    if (!(q >= 0 && q <= 1)) {
      throw new IllegalArgumentException("quantile must be within [0, 1], was " + q);
    }
    Ring ring = byTier.get(tierId);
    return ring == null ? Optional.empty() : ring.quantile(q);
  }

  private static final class Ring {
    private final long[] nanos = new long[SAMPLES];
    private long count;

    synchronized void add(long sample) {
      nanos[(int) (count++ % SAMPLES)] = sample;
    }

    synchronized Optional<Duration> quantile(double q) {
      int n = (int) Math.min(count, SAMPLES);
      if (n < MIN_SAMPLES) {
        return Optional.empty();
      }
      long[] sorted = Arrays.copyOf(nanos, n);
      Arrays.sort(sorted);
      int at = (int) Math.min(n - 1, Math.ceil(q * n) - 1);
      return Optional.of(Duration.ofNanos(sorted[Math.max(0, at)]));
    }
  }
}
