package io.btfshybrid.core;

import io.btfshybrid.api.LocationHint;
import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.TierKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns a shard's location hints into an ordered read plan over the configured tiers: healthy tiers
 * first, then REPLICA (the client's region first), CLOUD, BTFS, faster tiers first within a kind.
 * Hints are matched to tiers by id; a tier without a hint is still asked where it can find the
 * object by its content-addressed key, and a BTFS tier can use any BTFS hint's CID.
 */
public final class ManifestResolver {
  private final List<StorageTier> tiers;
  private final Optional<String> region;
  private final HealthTracker health;

  ManifestResolver(List<StorageTier> tiers, Optional<String> region, HealthTracker health) {
    this.tiers = List.copyOf(tiers);
    this.region = region;
    this.health = health;
  }

  /** The content-addressed key under which a shard's stored bytes are written. */
  public static String blobKey(ShardEntry shard) {
    return BlobKeys.of(shard);
  }

  /** The ordered sources to try for {@code shard}. */
  public List<PlannedSource> plan(ShardEntry shard) {
    List<PlannedSource> plan = new ArrayList<>();
    for (StorageTier tier : tiers) {
      locatorFor(tier, shard).ifPresent(loc -> plan.add(new PlannedSource(tier, loc)));
    }
    plan.sort(order());
    return plan;
  }

  /** The tiers in plan order, for documents that are not shards (manifests, pointers). */
  List<StorageTier> orderedTiers() {
    List<StorageTier> sorted = new ArrayList<>(tiers);
    sorted.sort(Comparator.comparing(t -> new PlannedSource(t, null), order()));
    return sorted;
  }

  private Comparator<PlannedSource> order() {
    return Comparator.<PlannedSource, Boolean>comparing(s -> !health.healthy(s.tierId()))
        .thenComparing(PlannedSource::kind)
        .thenComparing(s -> s.kind() == TierKind.REPLICA && !inMyRegion(s.tier()))
        .thenComparingDouble(s -> health.latencyMillis(s.tierId()));
  }

  private boolean inMyRegion(StorageTier tier) {
    return region.isPresent() && tier.region().equals(region);
  }

  private static Optional<Locator> locatorFor(StorageTier tier, ShardEntry shard) {
    for (LocationHint hint : shard.locations()) {
      if (hint.tierId().equals(tier.id()) && hint.kind() == tier.kind()) {
        return Optional.of(hint.locator());
      }
    }
    Optional<Locator> byKey = tier.locate(blobKey(shard));
    if (byKey.isPresent()) {
      return byKey;
    }
    if (tier.kind() == TierKind.BTFS) {
      return shard.locations().stream()
          .filter(h -> h.kind() == TierKind.BTFS && Objects.equals(h.uri().getScheme(), "btfs"))
          .findFirst()
          .map(h -> new Locator(tier.id(), h.uri()));
    }
    return Optional.empty();
  }
}
