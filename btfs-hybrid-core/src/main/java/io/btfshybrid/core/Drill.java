package io.btfshybrid.core;

import com.google.common.base.Preconditions;
import io.btfshybrid.api.StorageTier;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A retrieval condition to drill a release under ({@link ReleaseOperations#drill}): {@link
 * #normal()}, one tier {@link #tierDown down}, or {@link #churn} — tiers failing and returning at
 * random, from a seed, so the same seed gives the same outages before the same reads.
 */
public final class Drill {
  /** The chance, before each read, that a tier changes state in a churn drill by default. */
  public static final double DEFAULT_FLIP_PROBABILITY = 0.25;

  private final String name;
  private final Optional<String> downTier;
  private final long seed;
  private final double flip;

  private Drill(String name, Optional<String> downTier, long seed, double flip) {
    this.name = name;
    this.downTier = downTier;
    this.seed = seed;
    this.flip = flip;
  }

  /** Every tier up: the baseline. */
  public static Drill normal() {
    return new Drill("normal", Optional.empty(), 0, 0);
  }

  /** {@code tierId} refuses every request for the whole drill, as a tier that is down. */
  public static Drill tierDown(String tierId) {
    Preconditions.checkArgument(
        tierId != null && !tierId.isBlank(), "tierDown needs a tier id, got '%s'", tierId);
    return new Drill("tier-down " + tierId, Optional.of(tierId), 0, 0);
  }

  /** Tiers fail and return at random ({@value #DEFAULT_FLIP_PROBABILITY} per read), from seed. */
  public static Drill churn(long seed) {
    return churn(seed, DEFAULT_FLIP_PROBABILITY);
  }

  /**
   * Tiers fail and return at random: before each read, every tier changes state (up to down, down
   * to up) with {@code flipProbability}, drawn from {@code seed} and the tier's id, so a run is
   * repeatable whatever else happens during the reads.
   */
  public static Drill churn(long seed, double flipProbability) {
    Preconditions.checkArgument(
        flipProbability > 0 && flipProbability <= 1,
        "flip probability must be within (0, 1], got %s",
        flipProbability);
    return new Drill(
        String.format(Locale.ROOT, "churn seed %d p %.2f", seed, flipProbability),
        Optional.empty(),
        seed,
        flipProbability);
  }

  /** What the report calls this drill, e.g. {@code "tier-down mirror"}. */
  public String name() {
    return name;
  }

  /** The tier a tier-down drill takes down. */
  Optional<String> downTier() {
    return downTier;
  }

  /** The drill's tiers: {@code tiers} wrapped so this drill can take them down. */
  DrillTiers arm(List<StorageTier> tiers) {
    return new DrillTiers(tiers, downTier, seed, flip);
  }

  @Override
  public String toString() {
    return name;
  }
}
