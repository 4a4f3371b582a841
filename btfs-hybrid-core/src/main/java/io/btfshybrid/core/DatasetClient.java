package io.btfshybrid.core;

import com.google.common.base.Preconditions;
import com.google.crypto.tink.StreamingAead;
import io.btfshybrid.api.DatasetManifest;
import io.btfshybrid.api.KeyManagementService;
import io.btfshybrid.api.ManifestRejectedException;
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
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Opens signed releases and reads their shards verified, from the healthiest tier that has good
 * bytes, through an optional byte-bounded disk cache. Thread-safe; share one per application. The
 * tiers stay owned by the caller: closing the client does not close them.
 *
 * <p>Security checks on open: signatures against the {@link TrustRoot} (k of n), the pin of a
 * pinned address, that a manifest read from {@code manifests/<dataset>/<version>…} really is that
 * release and revision, expiry (unless {@code allowExpired}), the access policy for the configured
 * {@link Principal} (restricted releases are refused to principals outside the policy whether
 * encrypted or not), and for a latest pointer its signature, expiry and sequence (never older than
 * one seen before: ROLLBACK). An encrypted release's data key is unwrapped on the first read, after
 * the policy allowed the principal. Opening a specific immutable manifest address stays allowed
 * after a newer pointer was seen. With an {@link AuditLog}, opens, key releases, refusals,
 * integrity failures and fallbacks are recorded.
 */
public final class DatasetClient implements Closeable {

  /** How long a source may make no progress before a read abandons it, unless configured. */
  public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(30);

  /** Bytes a sequential stream verifies ahead of its reader, unless configured. */
  public static final long DEFAULT_READ_AHEAD_BYTES = 8L << 20;

  private final HealthTracker health;
  private final ManifestResolver resolver;
  private final DiskCache cache;
  private final ManifestLoader loader;
  private final KeyRelease keys;
  private final ClientAudit audit;
  private final ReadPools readPools;
  private final VerifiedReadListener reads;
  private final HedgeBudget hedgeBudget;
  private final ReadContext readContext;

  private DatasetClient(Builder b) throws IOException {
    Preconditions.checkArgument(b.trust != null, "DatasetClient needs a TrustRoot (trust(..))");
    Set<String> ids = new HashSet<>();
    for (StorageTier t : b.tiers) {
      Preconditions.checkArgument(ids.add(t.id()), "two tiers share the id '%s'", t.id());
    }
    this.health =
        b.healthStateDirectory == null
            ? new HealthTracker(b.clock)
            : new HealthTracker(b.clock, b.healthStateDirectory);
    Meters meters = Meters.of(b.meterRegistry);
    this.reads = meters == Meters.NONE ? health : TeeReads.of(health, meters);
    this.resolver =
        new ManifestResolver(List.copyOf(b.tiers), Optional.ofNullable(b.region), health);
    this.cache = b.cacheDirectory == null ? null : new DiskCache(b.cacheDirectory, b.cacheMaxBytes);
    if (cache != null) {
      meters.cache(cache);
    }
    this.readPools = new ReadPools(b.stallTimeout);
    if (cache != null) {
      // cache fills write behind the reader, from the client's buffers
      cache.writeOn(readPools.cacheWriters(), readPools.buffers());
    }
    this.hedgeBudget = new HedgeBudget(b.hedgeBudget);
    this.readContext =
        new ReadContext(
            readPools.watchdog(),
            readPools.hasher(),
            readPools.buffers(),
            b.readAheadBytes,
            b.hedging
                ? Optional.of(
                    new Hedging(
                        readPools.hedgers(),
                        hedgeBudget,
                        health,
                        b.minHedgeDelay,
                        b.defaultHedgeDelay))
                : Optional.empty());
    this.loader =
        new ManifestLoader(
            resolver,
            b.trust,
            b.clock,
            b.allowExpired,
            new TrustState(Optional.ofNullable(b.trustStateDirectory)),
            b.manifestCacheSize,
            readPools.watchdog());
    this.audit = new ClientAudit(b.principal, b.audit, meters);
    this.keys = new KeyRelease(b.principal, b.kms, audit);
  }

  /** A builder: tiers, region, trust root and an optional cache. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Opens a release: a {@code btfs-hybrid://manifests/…} address (optionally pinned with {@code
   * ?sha256=}), a dataset's latest pointer {@code btfs-hybrid://manifests/<dataset>/latest.json}, a
   * tier URI such as {@code s3://bucket/key} or {@code btfs://<cid>}, or a local {@code file:}
   * manifest. Signatures, pins, expiry, rollback and the access policy are checked first.
   */
  public Dataset open(URI manifestUri) throws IOException {
    LoadedManifest loaded;
    try {
      loaded = resolve(manifestUri);
    } catch (ManifestRejectedException e) {
      audit.record(
          AuditEvent.MANIFEST_REJECTED,
          null,
          Map.of(
              "uri",
              manifestUri.toString(),
              "reason",
              e.reason().name(),
              "detail",
              e.getMessage()));
      throw e;
    }
    keys.authorize(loaded.manifest());
    audit.record(
        AuditEvent.OPEN,
        loaded.manifest(),
        Map.of("uri", manifestUri.toString(), "manifest", loaded.hash()));
    return new Dataset(this, loaded);
  }

  /** A manifest address, or a latest pointer followed to the manifest it names; verified. */
  LoadedManifest resolve(URI uri) throws IOException {
    return loader.resolve(uri);
  }

  /** Refuses a restricted release to a principal outside its policy (audited). */
  void authorize(DatasetManifest manifest) throws IOException {
    keys.authorize(manifest);
  }

  /** The streaming AEAD of an encrypted release, after the policy allowed the principal. */
  StreamingAead releaseKey(DatasetManifest manifest) throws IOException {
    return keys.release(manifest);
  }

  /** The listener of verified reads of one shard: health, meters, and audit when configured. */
  VerifiedReadListener listenerFor(DatasetManifest manifest, String shardPath) {
    return audit.enabled()
        ? new AuditedReads(reads, audit.log(), audit.fields(manifest), shardPath)
        : reads;
  }

  /** The disk cache's bound in bytes, or empty when this client has no disk cache. */
  public java.util.OptionalLong cacheMaxBytes() {
    return cache == null
        ? java.util.OptionalLong.empty()
        : java.util.OptionalLong.of(cache.maxBytes());
  }

  /** Bytes served, failures and cache use so far. */
  public ClientStats stats() {
    return new ClientStats(
        health.all(),
        cache == null ? 0 : cache.hits(),
        cache == null ? 0 : cache.fills(),
        cache == null ? 0 : cache.errors());
  }

  /**
   * Every source's scorecard: bytes, failures, p50/p95/p99 time to first byte, throughput, and
   * whether it is demoted; with a health state directory, earlier runs included.
   */
  public List<TierScorecard> scorecards() {
    return health.scorecards();
  }

  /** The read planner this client uses (for inspection and `plan`). */
  public ManifestResolver resolver() {
    return resolver;
  }

  HealthTracker health() {
    return health;
  }

  /** The shared, bounded threads of this client's reads (stall watchdog, read-ahead). */
  ReadPools readPools() {
    return readPools;
  }

  /** Deadlines, verifiers, read-ahead and hedging shared by this client's reads. */
  ReadContext readContext() {
    return readContext;
  }

  /** The duplicate-byte budget of hedged reads. */
  HedgeBudget hedgeBudget() {
    return hedgeBudget;
  }

  Optional<DiskCache> cache() {
    return Optional.ofNullable(cache);
  }

  LoadedManifest loadManifest(URI uri) throws IOException {
    return loader.loadManifest(uri);
  }

  /**
   * Forgets the cached manifests and saves tier health to the state directory, if one is set; the
   * tiers, cache directory and audit log stay open.
   */
  @Override
  public void close() {
    health.save();
    loader.invalidateAll();
    readPools.close();
  }

  /** A verified manifest with its hash and the signed bytes it came from. */
  @SuppressWarnings(
      "ArrayRecordComponent") // internal value; its array is never compared or exposed to callers
  record LoadedManifest(DatasetManifest manifest, String hash, byte[] envelope) {}

  /** Configures a {@link DatasetClient}. */
  public static final class Builder {
    private final List<StorageTier> tiers = new ArrayList<>();
    private String region;
    private TrustRoot trust;
    private Path cacheDirectory;
    private long cacheMaxBytes = 8L << 30;
    private int manifestCacheSize = 256;
    private Clock clock = Clock.systemUTC();
    private boolean allowExpired;
    private Principal principal;
    private KeyManagementService kms;
    private Path trustStateDirectory;
    private AuditLog audit;
    private Duration stallTimeout = DEFAULT_STALL_TIMEOUT;
    private Path healthStateDirectory;
    private Object meterRegistry; // a MeterRegistry: typed Object so Micrometer stays optional
    private long readAheadBytes = DEFAULT_READ_AHEAD_BYTES;
    private boolean hedging = true;
    private double hedgeBudget = HedgeBudget.DEFAULT_FRACTION;
    private Duration minHedgeDelay = Hedging.MIN_DELAY;
    private Duration defaultHedgeDelay = Hedging.DEFAULT_DELAY;

    private Builder() {}

    /**
     * How many bytes a sequential shard stream may fetch and verify (on the client's verifier
     * threads, one per core) ahead of its reader; 0 verifies each chunk on the reader's thread when
     * it is read (default 8 MiB). Nothing is released before its own hash matched.
     */
    public Builder readAhead(long bytes) {
      Preconditions.checkArgument(bytes >= 0, "readAhead must be >= 0 bytes, was %s", bytes);
      this.readAheadBytes = bytes;
      return this;
    }

    /**
     * Whether a chunk request whose first byte is late (past its tier's p95 time to first byte over
     * about its last thousand requests) is also sent to the next source, the first verified answer
     * kept and the other cancelled (default on).
     */
    public Builder hedging(boolean on) {
      this.hedging = on;
      return this;
    }

    /**
     * The most duplicate bytes hedged requests may read, as a fraction of the verified bytes the
     * tiers served (default 0.05). A late request is hedged even when the allowance is spent: the
     * two requests then just may not both read the same bytes past it (save one byte: the first
     * byte the late request had already asked for), so a stalled request is always rescued.
     */
    public Builder hedgeBudget(double fraction) {
      Preconditions.checkArgument(
          fraction >= 0 && fraction <= 1, "hedgeBudget must be within [0, 1], was %s", fraction);
      this.hedgeBudget = fraction;
      return this;
    }

    /**
     * The shortest wait before a hedge (default 20 ms), and the wait used for a tier whose time to
     * first byte is not measured yet (default 50 ms).
     */
    public Builder hedgeDelay(Duration minimum, Duration untilMeasured) {
      Preconditions.checkArgument(
          minimum != null && !minimum.isNegative(), "hedge delay must be >= 0, was %s", minimum);
      Preconditions.checkArgument(
          untilMeasured != null && !untilMeasured.isNegative(),
          "hedge delay until measured must be >= 0, was %s",
          untilMeasured);
      this.minHedgeDelay = minimum;
      this.defaultHedgeDelay = untilMeasured;
      return this;
    }

    /** Adds a tier to read from (ids must be distinct); the caller keeps owning it. */
    public Builder tier(StorageTier tier) {
      tiers.add(Preconditions.checkNotNull(tier, "tier"));
      return this;
    }

    /** Adds several tiers, as {@link #tier} does one by one. */
    public Builder tiers(List<? extends StorageTier> more) {
      more.forEach(this::tier);
      return this;
    }

    /** The client's region: replicas there are read first. */
    public Builder region(String region) {
      this.region = region;
      return this;
    }

    /** The keys and threshold every manifest and latest pointer must be signed with (required). */
    public Builder trust(TrustRoot trust) {
      this.trust = trust;
      return this;
    }

    /** Enables the disk cache in {@code dir}. */
    public Builder cacheDirectory(Path dir) {
      this.cacheDirectory = dir;
      return this;
    }

    /** Upper bound of the disk cache in bytes (default 8 GiB). */
    public Builder cacheMaxBytes(long bytes) {
      Preconditions.checkArgument(bytes > 0, "cacheMaxBytes must be positive, was %s", bytes);
      this.cacheMaxBytes = bytes;
      return this;
    }

    /** How many parsed manifests to keep in memory (default 256). */
    public Builder manifestCacheSize(int entries) {
      this.manifestCacheSize = entries;
      return this;
    }

    /** The clock expiry is judged by (default: the system UTC clock). */
    public Builder clock(Clock clock) {
      this.clock = Preconditions.checkNotNull(clock, "clock");
      return this;
    }

    /** Opt-in for forensic reads of expired manifests; off by default. */
    public Builder allowExpired(boolean allow) {
      this.allowExpired = allow;
      return this;
    }

    /** Who is reading: checked against each release's access policy. */
    public Builder principal(Principal principal) {
      this.principal = principal;
      return this;
    }

    /** Unwraps the data keys of encrypted releases (after the policy allowed the principal). */
    public Builder keyManagement(KeyManagementService kms) {
      this.kms = kms;
      return this;
    }

    /**
     * Remembers the highest latest-pointer sequence seen per dataset in {@code dir}, so rollback
     * protection survives restarts (without it, it lasts for this client's life).
     */
    public Builder trustStateDirectory(Path dir) {
      this.trustStateDirectory = dir;
      return this;
    }

    /**
     * Records opens, key releases, refusals, integrity failures and fallbacks; the log stays owned
     * by the caller (closing the client does not close it). A failed append fails the open or key
     * release it records; failures during a read are logged instead.
     */
    public Builder auditLog(AuditLog log) {
      this.audit = log;
      return this;
    }

    /**
     * How long a source may make no progress (open a stream, or deliver a chunk) before it is
     * abandoned for the next source of that chunk and counted as a stall (default 30 s).
     */
    public Builder stallTimeout(Duration timeout) {
      Preconditions.checkArgument(
          timeout != null && !timeout.isNegative() && !timeout.isZero(),
          "stallTimeout must be positive, was %s",
          timeout);
      this.stallTimeout = timeout;
      return this;
    }

    /**
     * Remembers tier health in {@code dir} across runs — error rate, latency distribution
     * (p50/p95/p99 time to first byte) and integrity failures — so a provider that served wrong
     * bytes yesterday starts demoted today. Saved at most every 30 s while reading, at once after
     * an integrity failure, and on {@link DatasetClient#close}; an unreadable or corrupt state file
     * is ignored with a warning. {@code btfs-hybrid stats} prints it ({@link ProviderScorecard}).
     */
    public Builder healthStateDirectory(Path dir) {
      this.healthStateDirectory = Preconditions.checkNotNull(dir, "healthStateDirectory");
      return this;
    }

    /**
     * Publishes meters to {@code registry}: bytes and latency per tier, time to first byte, cache
     * hits and misses, integrity failures, fallbacks, refusals (names in the README, "Metrics").
     * Needs {@code io.micrometer:micrometer-core} on the class path; without this call it is not.
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Preconditions.checkNotNull(registry, "meterRegistry");
      return this;
    }

    /** A client with this configuration. */
    public DatasetClient build() throws IOException {
      return new DatasetClient(this);
    }
  }
}
