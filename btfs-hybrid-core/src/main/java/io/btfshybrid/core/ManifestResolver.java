package io.btfshybrid.core;

import io.btfshybrid.api.LocationHint;
import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.TierKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a shard into an ordered read plan over the configured tiers: healthy tiers first, then
 * REPLICA (the client's region first), CLOUD, BTFS, faster tiers first within a kind. Hashes are
 * truth and locations are hints: each tier is asked first where it keeps the object under its
 * content-addressed key ({@link BlobKeys}), so a replica directory that was moved, copied or
 * restored elsewhere (same tier id, new root) still serves it; the manifest's location hints for
 * that tier follow only as additional candidates, and a BTFS tier can use any BTFS hint's CID.
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

  /** The ordered sources to try for {@code shard} (a tier may appear once per candidate place). */
  public List<PlannedSource> plan(ShardEntry shard) {
    List<PlannedSource> plan = new ArrayList<>();
    for (StorageTier tier : tiers) {
      locatorsFor(tier, shard).forEach(loc -> plan.add(new PlannedSource(tier, loc)));
    }
    plan.sort(order()); // stable: a tier's own candidates keep their key-first order
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

  /** Where {@code tier} may hold the shard: by its key first, then the manifest's hints. */
  private static Set<Locator> locatorsFor(StorageTier tier, ShardEntry shard) {
    return locatorsFor(tier, blobKey(shard), shard.locations());
  }

  /**
   * Where {@code tier} may hold the object stored under {@code key} with location {@code hints}:
   * the key first, then the hints for this tier, else (BTFS) any BTFS hint's content name.
   */
  static Set<Locator> locatorsFor(StorageTier tier, String key, List<LocationHint> hints) {
    Set<Locator> out = new LinkedHashSet<>();
    tier.locate(key).ifPresent(out::add);
    for (LocationHint hint : hints) {
      if (hint.tierId().equals(tier.id()) && hint.kind() == tier.kind()) {
        out.add(hint.locator());
      }
    }
    if (out.isEmpty() && tier.kind() == TierKind.BTFS) {
      hints.stream()
          .filter(h -> h.kind() == TierKind.BTFS && Objects.equals(h.uri().getScheme(), "btfs"))
          .findFirst()
          .map(h -> new Locator(tier.id(), h.uri()))
          .ifPresent(out::add);
    }
    return out;
  }
}
