package io.btfshybrid.core;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Measures each source's recent health: a penalty that grows with errors (integrity failures weigh
 * more) and decays with time and with successes, plus a moving average of latency.
 */
final class HealthTracker implements VerifiedReadListener {
  static final String CACHE_ID = "cache";
  private static final double ERROR_WEIGHT = 1.0;
  private static final double INTEGRITY_WEIGHT = 3.0;
  private static final double UNHEALTHY_AT = 1.0;
  private static final double SUCCESS_DECAY = 0.9;
  private static final double HALF_LIFE_MILLIS = 120_000;
  private static final double LATENCY_ALPHA = 0.2;

  private final Clock clock;
  private final Map<String, Health> byTier = new ConcurrentHashMap<>();

  HealthTracker(Clock clock) {
    this.clock = clock;
  }

  private Health of(String tierId) {
    return byTier.computeIfAbsent(tierId, id -> new Health());
  }

  @Override
  public void served(String sourceId, int bytes, long nanos) {
    Health h = of(sourceId);
    h.bytes.addAndGet(bytes);
    h.chunks.incrementAndGet();
    h.success(clock.millis(), nanos / 1e6);
  }

  @Override
  public void failed(String sourceId, Throwable cause, boolean integrity) {
    Health h = of(sourceId);
    (integrity ? h.integrity : h.errors).incrementAndGet();
    if (cause instanceof SourceStalledException) {
      h.stalls.incrementAndGet();
    }
    h.penalise(clock.millis(), integrity ? INTEGRITY_WEIGHT : ERROR_WEIGHT);
  }

  // ---- time to first byte (issue 13's hedging; to merge with the fuller latency model) ----
  private final LatencyWindow firstBytes = new LatencyWindow();

  @Override
  public void firstByte(String sourceId, long nanos) {
    firstBytes.record(sourceId, nanos);
  }

  /**
   * The {@code q} quantile of {@code tierId}'s recent times to first byte, once enough requests
   * were measured.
   */
  Optional<Duration> firstByteQuantile(String tierId, double q) {
    return firstBytes.quantile(tierId, q);
  }

  // ---- end of time to first byte ----

  boolean healthy(String tierId) {
    Health h = byTier.get(tierId);
    return h == null || h.penalty(clock.millis()) < UNHEALTHY_AT;
  }

  double latencyMillis(String tierId) {
    Health h = byTier.get(tierId);
    return h == null ? 0 : h.latencyMillis;
  }

  TierStats stats(String tierId) {
    Health h = of(tierId);
    return new TierStats(
        tierId,
        h.bytes.get(),
        h.chunks.get(),
        h.errors.get(),
        h.integrity.get(),
        h.latencyMillis,
        healthy(tierId),
        h.stalls.get());
  }

  List<TierStats> all() {
    return byTier.keySet().stream().sorted().map(this::stats).collect(Collectors.toList());
  }

  private static final class Health {
    final AtomicLong bytes = new AtomicLong();
    final AtomicLong chunks = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final AtomicLong integrity = new AtomicLong();
    final AtomicLong stalls = new AtomicLong();
    private double penalty;
    private long penaltyAt;
    volatile double latencyMillis;

    synchronized double penalty(long now) {
      decay(now);
      return penalty;
    }

    synchronized void penalise(long now, double weight) {
      decay(now);
      penalty += weight;
    }

    synchronized void success(long now, double millis) {
      decay(now);
      penalty *= SUCCESS_DECAY;
      latencyMillis =
          latencyMillis == 0 ? millis : latencyMillis + LATENCY_ALPHA * (millis - latencyMillis);
    }

    private void decay(long now) {
      if (penaltyAt != 0 && now > penaltyAt) {
        penalty *= Math.pow(0.5, (now - penaltyAt) / HALF_LIFE_MILLIS);
      }
      penaltyAt = now;
    }
  }
}
