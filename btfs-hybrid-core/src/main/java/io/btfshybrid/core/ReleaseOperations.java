package io.btfshybrid.core;

import com.google.common.base.Preconditions;
import io.btfshybrid.api.DatasetManifest;
import io.btfshybrid.api.StorageTier;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The storage engineer's operations over releases: scrub, repair, restore, catalog, retention and
 * drills. Needs tiers and a trust root, never keys: encrypted shards are checked by their
 * ciphertext hashes. Each operation is its own package-private class; this is the front door.
 */
public final class ReleaseOperations implements Closeable {
  private final List<StorageTier> tiers;
  private final TrustRoot trust;
  private final Optional<AuditLog> audit;
  private final Clock clock;
  private final int parallelism;
  private final ReadPools readPools;
  private final ManifestLoader manifests;
  private final DatasetPublisher.ProgressListener progress;

  private ReleaseOperations(Builder b) throws IOException {
    Preconditions.checkArgument(b.trust != null, "ReleaseOperations needs a TrustRoot (trust(..))");
    Preconditions.checkArgument(!b.tiers.isEmpty(), "ReleaseOperations needs at least one tier");
    Set<String> ids = new HashSet<>();
    for (StorageTier t : b.tiers) {
      Preconditions.checkArgument(ids.add(t.id()), "two tiers share the id '%s'", t.id());
    }
    this.tiers = List.copyOf(b.tiers);
    this.trust = b.trust;
    this.audit = Optional.ofNullable(b.audit);
    this.clock = b.clock;
    this.parallelism = b.parallelism;
    this.readPools = new ReadPools(b.stallTimeout);
    this.progress = b.progress;
    this.manifests =
        new ManifestLoader(
            new ManifestResolver(tiers, Optional.empty(), new HealthTracker(clock)),
            trust,
            clock,
            /* allowExpired= */ true,
            new TrustState(Optional.empty()),
            64,
            readPools.watchdog());
    this.metrics = Meters.of(b.meterRegistry);
  }

  /** A builder: tiers, trust root, and optionally an audit log, clock and parallelism. */
  public static Builder builder() {
    return new Builder();
  }

  // ---- scrub, repair, restore (ops-repair) ----

  /**
   * Checks every copy of the release at {@code uri} (a manifest address or latest pointer) on every
   * tier: each shard, index blob, manifest revision and the latest pointer, read whole and hashed
   * chunk by chunk without keys. Never writes.
   */
  public ScrubReport scrub(URI uri) throws IOException {
    return new Scrub(this).run(uri, Optional.empty());
  }

  /**
   * As {@link #scrub(URI)}, resumable: copies already settled in {@code checkpoint} by an earlier
   * scrub of the same manifest are not read again, and each newly settled copy is appended to it.
   */
  public ScrubReport scrub(URI uri, Path checkpoint) throws IOException {
    Preconditions.checkNotNull(checkpoint, "checkpoint");
    return new Scrub(this).run(uri, Optional.of(checkpoint));
  }

  /**
   * Brings every object of the release to {@code policy}'s number of verified copies in distinct
   * failure domains, copying only from verified sources, re-pinning on BTFS and never deleting; a
   * dry run only reports what it would do.
   */
  public RepairReport repair(URI uri, RepairPolicy policy) throws IOException {
    Preconditions.checkNotNull(policy, "policy");
    return new Repair(this).run(uri, policy);
  }

  /**
   * Rehydrates the release into {@code toTier} from the tier {@code fromTierId}: shards and index
   * blobs verified on the way in and read back, then the manifest revisions and latest pointer, so
   * that a client with only {@code toTier} reads the release.
   */
  public RestoreReport restore(URI uri, String fromTierId, StorageTier toTier) throws IOException {
    Preconditions.checkNotNull(fromTierId, "fromTierId");
    Preconditions.checkNotNull(toTier, "toTier");
    return new Restore(this).run(uri, fromTierId, toTier);
  }

  /** Told of bytes checked or copied as an operation goes. */
  DatasetPublisher.ProgressListener progress() {
    return progress;
  }

  // ---- catalog, collectGarbage (ops-catalog) ----

  /**
   * The datasets and versions the tiers hold, read from their listings: every manifest verified
   * against the trust root, every latest pointer followed; what did not verify or could not be read
   * is named in the catalog, not hidden.
   */
  public Catalog catalog() {
    return Catalog.of(CatalogScan.run(tiers, trust));
  }

  /**
   * Retires every version no {@code policies} keep (the latest pointer's target and held versions
   * are always kept): its manifest revisions, then the shards and index blobs no kept version
   * references, deleted on key-addressed tiers and unpinned on BTFS. With {@code dryRun} nothing
   * changes and the report says what would. Refuses to touch anything when a tier cannot be listed
   * or a manifest read ({@link CatalogIncompleteException}).
   */
  public GcReport collectGarbage(List<RetentionPolicy> policies, boolean dryRun)
      throws IOException {
    Preconditions.checkArgument(policies != null, "policies must not be null");
    policies.forEach(p -> Preconditions.checkArgument(p != null, "a policy is null"));
    return new GarbageCollection(this).run(List.copyOf(policies), dryRun);
  }

  /** {@link #collectGarbage(List, boolean)} with one policy. */
  public GcReport collectGarbage(RetentionPolicy policy, boolean dryRun) throws IOException {
    return collectGarbage(List.of(policy), dryRun);
  }

  // ---- drill (ops-drill) ----

  private final Meters metrics;

  /**
   * Drills a release under one retrieval condition: {@code reads} verified reads of its stored
   * bytes (no keys needed; ciphertext for an encrypted release) through the client's read path over
   * these tiers, one taken down or churned as {@code drill} says. Reports per tier the p50/p95/p99
   * time to first byte, throughput and failure rate, and overall failed reads, fallbacks taken and
   * wrong bytes (zero, or something is badly broken). Tier health of the drill is its own: nothing
   * is saved to a state directory, and no meters are moved.
   */
  public DrillReport drill(URI manifestUri, Drill drill, int reads) throws IOException {
    return drill(manifestUri, List.of(drill), reads).get(0);
  }

  /** Runs each drill in turn over the same reads of the release; one report per drill. */
  public List<DrillReport> drill(URI manifestUri, List<Drill> drills, int reads)
      throws IOException {
    Preconditions.checkArgument(
        reads >= 1 && reads <= 10_000_000, "reads must be 1..10000000, got %s", reads);
    Preconditions.checkArgument(!drills.isEmpty(), "no drill given");
    drills.forEach(d -> d.downTier().ifPresent(this::tier)); // an unknown id fails before reading
    DatasetManifest manifest = manifest(manifestUri).manifest();
    DrillRunner runner =
        new DrillRunner(
            tiers,
            clock,
            new ReadContext(
                readPools.watchdog(),
                readPools.hasher(),
                readPools.buffers(),
                0,
                Optional.empty()));
    List<DrillReport> reports = new ArrayList<>();
    for (Drill d : drills) {
      reports.add(runner.run(manifest, d, reads));
    }
    return reports;
  }

  /**
   * The operations' meters (no-ops without a registry); scrub reports each release's fewest
   * verified copies with {@code metrics().copies(manifest, n)}.
   */
  Meters metrics() {
    return metrics;
  }

  // ---- shared by the operations ----

  /** The tiers operated on, in the order given. */
  List<StorageTier> tiers() {
    return tiers;
  }

  /** The tier with {@code id}, or an IllegalArgumentException naming it and the known ids. */
  StorageTier tier(String id) {
    for (StorageTier t : tiers) {
      if (t.id().equals(id)) {
        return t;
      }
    }
    List<String> known = new ArrayList<>();
    tiers.forEach(t -> known.add(t.id()));
    throw new IllegalArgumentException("no tier with id '" + id + "'; known: " + known);
  }

  /** The verified manifest at {@code uri} (a latest pointer is followed); expired ones too. */
  DatasetClient.LoadedManifest manifest(URI uri) throws IOException {
    return manifests.resolve(uri);
  }

  TrustRoot trust() {
    return trust;
  }

  Optional<AuditLog> audit() {
    return audit;
  }

  Clock clock() {
    return clock;
  }

  /** How many copies are checked or made at once. */
  int parallelism() {
    return parallelism;
  }

  /** Bounded threads with a stall watchdog for the operations' reads. */
  ReadPools readPools() {
    return readPools;
  }

  /** Releases the threads; the tiers stay open (the caller owns them). */
  @Override
  public void close() {
    manifests.invalidateAll();
    readPools.close();
  }

  /** Configures {@link ReleaseOperations}. */
  public static final class Builder {
    private final List<StorageTier> tiers = new ArrayList<>();
    private TrustRoot trust;
    private AuditLog audit;
    private Clock clock = Clock.systemUTC();
    private int parallelism = 4;
    private Duration stallTimeout = DatasetClient.DEFAULT_STALL_TIMEOUT;
    private DatasetPublisher.ProgressListener progress = DatasetPublisher.ProgressListener.NONE;
    private Object meterRegistry; // a MeterRegistry: typed Object so Micrometer stays optional

    private Builder() {}

    /** Adds a tier to operate on. */
    public Builder tier(StorageTier tier) {
      tiers.add(Preconditions.checkNotNull(tier, "tier"));
      return this;
    }

    /** Adds several tiers. */
    public Builder tiers(List<? extends StorageTier> more) {
      more.forEach(this::tier);
      return this;
    }

    /** The keys manifests must be signed with. */
    public Builder trust(TrustRoot trust) {
      this.trust = Preconditions.checkNotNull(trust, "trust");
      return this;
    }

    /** Records every operation's outcome in a tamper-evident log (optional). */
    public Builder auditLog(AuditLog log) {
      this.audit = Preconditions.checkNotNull(log, "auditLog");
      return this;
    }

    /** The clock for report times and retention ages (tests pass a fixed one). */
    public Builder clock(Clock clock) {
      this.clock = Preconditions.checkNotNull(clock, "clock");
      return this;
    }

    /** How many copies are checked or made at once (default 4). */
    public Builder parallelism(int n) {
      Preconditions.checkArgument(n >= 1 && n <= 256, "parallelism must be 1..256, got %s", n);
      this.parallelism = n;
      return this;
    }

    /** How long a tier may go without delivering a byte before it counts as unreachable. */
    public Builder stallTimeout(Duration timeout) {
      Preconditions.checkArgument(
          timeout != null && !timeout.isNegative() && !timeout.isZero(),
          "stallTimeout must be positive, got %s",
          timeout);
      this.stallTimeout = timeout;
      return this;
    }

    /** Told of bytes checked or copied by scrub, repair and restore (e.g. a terminal bar). */
    public Builder progress(DatasetPublisher.ProgressListener listener) {
      this.progress = Preconditions.checkNotNull(listener, "progress");
      return this;
    }

    /** Publishes the operations' meters (copies per release from the last scrub) there. */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Preconditions.checkNotNull(registry, "meterRegistry");
      return this;
    }

    /** Operations over these tiers. */
    public ReleaseOperations build() throws IOException {
      return new ReleaseOperations(this);
    }
  }
}
