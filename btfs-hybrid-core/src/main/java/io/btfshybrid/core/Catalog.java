package io.btfshybrid.core;

import com.google.common.base.Preconditions;
import io.btfshybrid.api.DatasetManifest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The datasets and versions the tiers hold, read from the tiers themselves (no database): every
 * manifest verified against the trust root, each dataset's latest pointer verified and followed.
 * Documents that did not verify are not releases; they are named in {@link #rejected()}. Tiers or
 * documents that could not be read are named in {@link #unreadable()}, so an empty answer is never
 * mistaken for a complete one.
 */
public final class Catalog {
  /** Oldest first: by first publication, then version. */
  static final Comparator<ReleaseInfo> OLDEST_FIRST =
      Comparator.comparing(ReleaseInfo::created).thenComparing(ReleaseInfo::version);

  private final Map<String, List<ReleaseInfo>> versions;
  private final Map<String, ReleaseInfo> latest;
  private final List<String> rejected;
  private final List<String> unreadable;

  private Catalog(
      Map<String, List<ReleaseInfo>> versions,
      Map<String, ReleaseInfo> latest,
      List<String> rejected,
      List<String> unreadable) {
    this.versions = versions;
    this.latest = latest;
    this.rejected = List.copyOf(rejected);
    this.unreadable = List.copyOf(unreadable);
  }

  /** The catalog of what a scan found. */
  static Catalog of(CatalogScan.Result scan) {
    Map<String, List<ReleaseInfo>> versions = new TreeMap<>();
    Map<String, ReleaseInfo> latest = new TreeMap<>();
    List<String> rejected = new ArrayList<>(scan.rejected());
    scan.releases()
        .forEach(
            (dataset, byVersion) -> {
              LatestPointer pointer = scan.pointers().get(dataset);
              List<ReleaseInfo> infos = new ArrayList<>();
              byVersion.forEach(
                  (version, revisions) -> {
                    ReleaseInfo info = info(revisions.values(), pointer);
                    infos.add(info);
                    if (info.latest()) {
                      latest.put(dataset, info);
                    }
                  });
              infos.sort(OLDEST_FIRST);
              versions.put(dataset, List.copyOf(infos));
              if (pointer != null && !latest.containsKey(dataset)) {
                rejected.add(
                    "the latest pointer of "
                        + dataset
                        + " names "
                        + pointer.manifestKey()
                        + " (manifest "
                        + pointer.manifestSha256()
                        + "), which no tier holds verified");
              }
            });
    List<String> unreadable = new ArrayList<>();
    scan.failures().forEach(e -> unreadable.add(e.getMessage()));
    return new Catalog(versions, latest, rejected, unreadable);
  }

  /** One version's info: the newest revision's metadata, the earliest revision's time. */
  private static ReleaseInfo info(Collection<CatalogScan.Revision> revisions, LatestPointer p) {
    CatalogScan.Revision newest = null;
    java.time.Instant created = null;
    for (CatalogScan.Revision r : revisions) {
      if (newest == null || r.manifest().revision() > newest.manifest().revision()) {
        newest = r;
      }
      if (created == null || r.manifest().createdAt().isBefore(created)) {
        created = r.manifest().createdAt();
      }
    }
    DatasetManifest m = newest.manifest();
    CatalogScan.Revision target = newest;
    boolean isLatest = false;
    if (p != null && p.version().equals(m.version())) {
      for (CatalogScan.Revision r : revisions) {
        if (r.hash().equals(p.manifestSha256()) && r.manifest().revision() == p.revision()) {
          target = r;
          isLatest = true;
        }
      }
    }
    DatasetManifest shown = isLatest ? target.manifest() : m;
    return new ReleaseInfo(
        shown.datasetId(),
        shown.version(),
        shown.revision(),
        shown.owner(),
        shown.classification(),
        shown.totalSize(),
        created,
        shown.expiresAt(),
        ManifestUris.uriOf(ManifestUris.manifestKey(shown), target.hash()),
        target.hash(),
        isLatest);
  }

  /** Every dataset with at least one verified release, sorted. */
  public List<String> datasets() {
    return List.copyOf(versions.keySet());
  }

  /** The verified versions of {@code datasetId}, oldest first (empty when there are none). */
  public List<ReleaseInfo> versions(String datasetId) {
    Preconditions.checkArgument(datasetId != null, "datasetId must not be null");
    return versions.getOrDefault(datasetId, List.of());
  }

  /** The version the dataset's signed latest pointer names, when it and its manifest verify. */
  public Optional<ReleaseInfo> latest(String datasetId) {
    Preconditions.checkArgument(datasetId != null, "datasetId must not be null");
    return Optional.ofNullable(latest.get(datasetId));
  }

  /** Documents that did not verify (bad signature, wrong key, malformed), each naming where. */
  public List<String> rejected() {
    return rejected;
  }

  /** Tiers that could not be listed and documents that could not be read, each naming why. */
  public List<String> unreadable() {
    return unreadable;
  }

  /** Whether every tier was listed and every document read (rejected ones included). */
  public boolean complete() {
    return unreadable.isEmpty();
  }
}
