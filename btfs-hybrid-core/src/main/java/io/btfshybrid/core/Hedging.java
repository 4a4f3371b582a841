package io.btfshybrid.core;

import java.time.Duration;
import java.util.concurrent.ExecutorService;

/**
 * When and where a chunk request may be hedged: after the primary tier's recent p95 time to first
 * byte (over about its last thousand requests; never sooner than a minimum, and a default until a
 * request was measured), on the client's hedge threads, within the client's duplicate-byte budget.
 */
final class Hedging {
  /** A hedge is never sent sooner than this after its primary request. */
  static final Duration MIN_DELAY = Duration.ofMillis(20);

  /** The hedge delay of a tier whose time to first byte is not measured well enough yet. */
  static final Duration DEFAULT_DELAY = Duration.ofMillis(50);

  static final double QUANTILE = 0.95;

  private final ExecutorService pool;
  private final HedgeBudget budget;
  private final HealthTracker health;
  private final Duration minDelay;
  private final Duration defaultDelay;

  Hedging(
      ExecutorService pool,
      HedgeBudget budget,
      HealthTracker health,
      Duration minDelay,
      Duration defaultDelay) {
    this.pool = pool;
    this.budget = budget;
    this.health = health;
    this.minDelay = minDelay;
    this.defaultDelay = defaultDelay;
  }

  /** How long to wait for {@code tierId}'s first byte before asking the next source too. */
  Duration delayFor(String tierId) {
    Duration p95 = health.recentFirstByteQuantile(tierId, QUANTILE).orElse(defaultDelay);
    return p95.compareTo(minDelay) < 0 ? minDelay : p95;
  }

  ExecutorService pool() {
    return pool;
  }

  HedgeBudget budget() {
    return budget;
  }
}
