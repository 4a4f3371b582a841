package io.btfshybrid.core;

import io.btfshybrid.api.HybridStorageException;
import io.btfshybrid.api.LocationHint;
import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectInfo;
import io.btfshybrid.api.ObjectNotFoundException;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.StorageTier;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retires the versions outside every retention policy. It needs the whole picture first: a tier
 * that cannot be listed or a manifest that cannot be read stops it before anything is removed
 * ({@link CatalogIncompleteException}), because a release it cannot see may share blobs. A retired
 * version loses its manifest revisions (first, so no release looks complete without its blobs) and
 * then every shard and index blob no kept version references: deleted on key-addressed tiers,
 * unpinned on BTFS. Kept versions — the latest pointer's target and held ones always among them —
 * lose nothing, nor do blobs a stored manifest that does not verify names (one signed by a key
 * since dropped from the trust root may still be someone's release). An interrupted run leaves at
 * worst unreferenced blobs behind, never a release with missing blobs.
 */
final class GarbageCollection {
  private static final Logger LOG = LoggerFactory.getLogger(GarbageCollection.class);

  private final ReleaseOperations ops;

  GarbageCollection(ReleaseOperations ops) {
    this.ops = ops;
  }

  /** One copy to remove. */
  private record Doomed(StorageTier tier, Locator where, long size) {}

  GcReport run(List<RetentionPolicy> policies, boolean dryRun) throws IOException {
    CatalogScan.Result scan = CatalogScan.run(ops.tiers(), ops.trust());
    if (!scan.failures().isEmpty()) {
      throw CatalogIncompleteException.of(scan.failures());
    }
    Catalog catalog = Catalog.of(scan);
    Instant now = ops.clock().instant();
    List<ReleaseInfo> removed = new ArrayList<>();
    List<ReleaseInfo> kept = new ArrayList<>();
    for (String dataset : catalog.datasets()) {
      List<ReleaseInfo> versions = catalog.versions(dataset);
      Optional<String> pointed =
          Optional.ofNullable(scan.pointers().get(dataset)).map(LatestPointer::version);
      List<RetentionPolicy> rules = rulesFor(dataset, policies);
      for (ReleaseInfo r : versions) {
        boolean keep =
            rules.isEmpty()
                || pointed.filter(r.version()::equals).isPresent()
                || policies.stream().anyMatch(p -> p.holds(dataset, r.version()))
                || rules.stream().anyMatch(p -> p.keeps(r, versions, now));
        (keep ? kept : removed).add(r);
      }
    }
    Set<String> keptBlobs = new HashSet<>(scan.unverifiedBlobs());
    Set<String> keptHints = new HashSet<>();
    for (ReleaseInfo r : kept) {
      forEachBlob(
          scan,
          r,
          (sha, hints) -> {
            keptBlobs.add(sha);
            hints.forEach(h -> keptHints.add(h.uri().toString()));
          });
    }
    Map<String, Doomed> doomed = new LinkedHashMap<>();
    for (ReleaseInfo r : removed) {
      for (CatalogScan.Revision rev : revisions(scan, r)) {
        for (Locator copy : rev.copies()) {
          StorageTier tier = ops.tier(copy.tierId());
          long size = scan.listed().get(tier.id()).getOrDefault(copy.uri().toString(), 0L);
          doomed.putIfAbsent(copy.toString(), new Doomed(tier, copy, size));
        }
      }
    }
    for (ReleaseInfo r : removed) {
      List<IOException> problems = new ArrayList<>();
      forEachBlob(
          scan,
          r,
          (sha, hints) -> {
            if (!keptBlobs.contains(sha)) {
              for (StorageTier tier : ops.tiers()) {
                try {
                  copiesOf(scan, tier, sha, hints, keptHints)
                      .forEach(d -> doomed.putIfAbsent(d.where().toString(), d));
                } catch (IOException e) {
                  problems.add(e);
                }
              }
            }
          });
      if (!problems.isEmpty()) {
        throw CatalogIncompleteException.of(problems);
      }
    }
    return execute(policies, dryRun, removed, kept, List.copyOf(doomed.values()));
  }

  private GcReport execute(
      List<RetentionPolicy> policies,
      boolean dryRun,
      List<ReleaseInfo> removed,
      List<ReleaseInfo> kept,
      List<Doomed> doomed)
      throws IOException {
    List<Locator> objects = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    long bytes = 0;
    for (Doomed d : doomed) {
      try {
        if (!dryRun) {
          d.tier().delete(d.where());
        }
        objects.add(d.where());
        bytes += d.size();
      } catch (IOException | RuntimeException e) {
        LOG.warn("gc: could not remove {}: {}", d.where(), e.toString());
        failures.add(d.where() + ": " + e.getMessage());
      }
    }
    LOG.info(
        "gc{} under {}: {} versions retired, {} kept, {} objects ({} bytes) removed",
        dryRun ? " (dry run)" : "",
        policies,
        removed.size(),
        kept.size(),
        objects.size(),
        bytes);
    if (!dryRun && ops.audit().isPresent()) {
      for (ReleaseInfo r : removed) {
        ops.audit()
            .get()
            .append(
                AuditEvent.RETIRE,
                Map.of(
                    "dataset", r.dataset(),
                    "version", r.version(),
                    "manifest", r.manifestHash(),
                    "policy", policies.toString()));
      }
    }
    return new GcReport(dryRun, removed, kept, objects, bytes, failures);
  }

  /** The keep rules scoped to {@code dataset}, or else the unscoped ones. */
  private static List<RetentionPolicy> rulesFor(String dataset, List<RetentionPolicy> policies) {
    List<RetentionPolicy> scoped =
        policies.stream().filter(p -> p.isKeepRuleFor(dataset) && p.dataset().isPresent()).toList();
    return !scoped.isEmpty()
        ? scoped
        : policies.stream().filter(p -> p.isKeepRuleFor(dataset)).toList();
  }

  private static List<CatalogScan.Revision> revisions(CatalogScan.Result scan, ReleaseInfo r) {
    return List.copyOf(scan.releases().get(r.dataset()).get(r.version()).values());
  }

  /** Every shard and index blob of every revision of {@code r}: its SHA-256 and hints. */
  private static void forEachBlob(
      CatalogScan.Result scan, ReleaseInfo r, BiConsumer<String, List<LocationHint>> blob) {
    for (CatalogScan.Revision rev : revisions(scan, r)) {
      for (ShardEntry shard : rev.manifest().shards()) {
        blob.accept(shard.storedSha256(), shard.locations());
        if (shard.hasSampleIndex()) {
          blob.accept(shard.sampleIndex().sha256(), shard.sampleIndex().locations());
        }
      }
    }
  }

  /**
   * The copies of blob {@code sha} on {@code tier}: under its content key on a key-addressed tier,
   * at a hint naming the tier, and on a content-addressed tier at any BTFS hint it holds pinned.
   */
  private static List<Doomed> copiesOf(
      CatalogScan.Result scan,
      StorageTier tier,
      String sha,
      List<LocationHint> hints,
      Set<String> keptHints)
      throws IOException {
    boolean byKey = CatalogScan.byKey(tier);
    Map<String, Locator> candidates = new LinkedHashMap<>();
    tier.locate(BlobKeys.of(sha)).ifPresent(l -> candidates.put(l.uri().toString(), l));
    for (LocationHint h : hints) {
      String uri = h.uri().toString();
      if (keptHints.contains(uri)) {
        continue;
      }
      if (h.tierId().equals(tier.id())) {
        candidates.putIfAbsent(uri, h.locator());
      } else if (!byKey && "btfs".equals(h.uri().getScheme())) {
        candidates.putIfAbsent(uri, new Locator(tier.id(), h.uri()));
      }
    }
    List<Doomed> found = new ArrayList<>();
    Map<String, Long> listed = scan.listed().get(tier.id());
    for (Locator where : candidates.values()) {
      if (!byKey) {
        Long size = listed.get(where.uri().toString());
        if (size != null) {
          found.add(new Doomed(tier, where, size));
        }
        continue;
      }
      try {
        Optional<ObjectInfo> info = tier.stat(where);
        if (info.isPresent()) {
          found.add(new Doomed(tier, where, info.get().size()));
        }
      } catch (ObjectNotFoundException notThere) {
        LOG.debug("gc: {} is not on tier '{}'", where, tier.id());
      } catch (IOException e) {
        throw new HybridStorageException(
            "tier '" + tier.id() + "' could not say whether it holds " + where + ": " + e, e);
      }
    }
    return found;
  }
}
