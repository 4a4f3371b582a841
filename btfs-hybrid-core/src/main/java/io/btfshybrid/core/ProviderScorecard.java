package io.btfshybrid.core;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Every provider's scorecard as a health state directory remembers it across runs (see {@link
 * DatasetClient.Builder#healthStateDirectory}): what each tier delivered, how often it failed or
 * lied, its p50/p95/p99 time to first byte, and whether it is currently demoted.
 *
 * @param savedAt when the state was last saved; empty when the directory holds none
 * @param tiers one scorecard per source, sorted by id
 * @param warning why the stored state was ignored (unreadable or corrupt), if it was
 */
public record ProviderScorecard(
    Optional<Instant> savedAt, List<TierScorecard> tiers, Optional<String> warning) {
  /** Copies the list. */
  public ProviderScorecard {
    tiers = List.copyOf(tiers);
  }

  /** The scorecard stored in {@code stateDirectory}, health judged as of now. */
  public static ProviderScorecard load(Path stateDirectory) {
    return load(stateDirectory, Clock.systemUTC());
  }

  /** The scorecard stored in {@code stateDirectory}, health judged as of {@code clock}'s now. */
  public static ProviderScorecard load(Path stateDirectory, Clock clock) {
    HealthStateFile file = new HealthStateFile(stateDirectory);
    HealthTracker health = new HealthTracker(clock, file);
    return new ProviderScorecard(file.savedAt(), health.scorecards(), file.warning());
  }

  /** The scorecard of {@code tierId}, if the state holds one. */
  public Optional<TierScorecard> tier(String tierId) {
    return tiers.stream().filter(t -> t.tierId().equals(tierId)).findFirst();
  }
}
