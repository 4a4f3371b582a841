package io.btfshybrid.core;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.common.base.Preconditions;
import com.google.crypto.tink.StreamingAead;
import io.btfshybrid.api.AccessDeniedException;
import io.btfshybrid.api.DatasetManifest;
import io.btfshybrid.api.EncryptionInfo;
import io.btfshybrid.api.HybridStorageException;
import io.btfshybrid.api.KeyManagementService;
import io.btfshybrid.api.KeyUnavailableException;
import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ManifestRejectedException;
import io.btfshybrid.api.ManifestRejectedException.Reason;
import io.btfshybrid.api.ShardUnavailableException;
import io.btfshybrid.api.StorageTier;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
  private static final Logger LOG = LoggerFactory.getLogger(DatasetClient.class);

  /** How long a source may make no progress before a read abandons it, unless configured. */
  public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(30);

  private final List<StorageTier> tiers;
  private final TrustRoot trust;
  private final Clock clock;
  private final boolean allowExpired;
  private final HealthTracker health;
  private final ManifestResolver resolver;
  private final DiskCache cache;
  private final Cache<String, LoadedManifest> manifests;
  private final Principal principal;
  private final KeyManagementService kms;
  private final TrustState trustState;
  private final AuditLog audit;
  private final ReadPools readPools;

  private DatasetClient(Builder b) throws IOException {
    Preconditions.checkArgument(b.trust != null, "DatasetClient needs a TrustRoot (trust(..))");
    Set<String> ids = new HashSet<>();
    for (StorageTier t : b.tiers) {
      Preconditions.checkArgument(ids.add(t.id()), "two tiers share the id '%s'", t.id());
    }
    this.tiers = List.copyOf(b.tiers);
    this.trust = b.trust;
    this.clock = b.clock;
    this.allowExpired = b.allowExpired;
    this.health = new HealthTracker(clock);
    this.resolver = new ManifestResolver(tiers, Optional.ofNullable(b.region), health);
    this.cache = b.cacheDirectory == null ? null : new DiskCache(b.cacheDirectory, b.cacheMaxBytes);
    this.manifests = Caffeine.newBuilder().maximumSize(b.manifestCacheSize).build();
    this.principal = b.principal;
    this.kms = b.kms;
    this.trustState = new TrustState(Optional.ofNullable(b.trustStateDirectory));
    this.audit = b.audit;
    this.readPools = new ReadPools(b.stallTimeout);
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
      audit(
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
    authorize(loaded.manifest());
    audit(
        AuditEvent.OPEN,
        loaded.manifest(),
        Map.of("uri", manifestUri.toString(), "manifest", loaded.hash()));
    return new Dataset(this, loaded);
  }

  /** A manifest address, or a latest pointer followed to the manifest it names; verified. */
  LoadedManifest resolve(URI uri) throws IOException {
    if (ManifestUris.isLogical(uri)) {
      Optional<String> dataset = ManifestUris.latestDataset(ManifestUris.keyOf(uri));
      if (dataset.isPresent()) {
        return followLatest(dataset.get(), uri);
      }
    }
    return loadManifest(uri);
  }

  private LoadedManifest followLatest(String datasetId, URI uri) throws IOException {
    List<IOException> failures = new ArrayList<>();
    Optional<LatestPointers.Found> found =
        LatestPointers.newest(resolver.orderedTiers(), datasetId, trust, failures);
    if (found.isEmpty()) {
      IOException thrown =
          failures.stream()
              .filter(f -> f instanceof ManifestRejectedException)
              .findFirst()
              .orElse(
                  new ShardUnavailableException(uri.toString(), "no tier holds a latest pointer"));
      failures.stream().filter(f -> f != thrown).forEach(thrown::addSuppressed);
      throw thrown;
    }
    LatestPointer pointer = found.get().pointer();
    String where = found.get().where();
    if (!allowExpired && clock.instant().isAfter(pointer.expiresAt())) {
      throw new ManifestRejectedException(
          Reason.EXPIRED,
          where
              + " (sequence "
              + pointer.sequence()
              + ") expired at "
              + pointer.expiresAt()
              + "; the publisher must refresh it");
    }
    trustState.check(pointer, where);
    LoadedManifest loaded =
        loadManifest(ManifestUris.uriOf(pointer.manifestKey(), pointer.manifestSha256()));
    trustState.record(pointer, where);
    return loaded;
  }

  /** Refuses a restricted release to a principal outside its policy (audited). */
  void authorize(DatasetManifest manifest) throws IOException {
    if (manifest.policy().isEmpty()) {
      return;
    }
    AccessPolicy policy = AccessPolicy.of(manifest.policy().get());
    if (!policy.allows(principal)) {
      String who = principal == null ? "<none>" : principal.name();
      String detail =
          principal == null
              ? manifest.datasetId()
                  + "@"
                  + manifest.version()
                  + " is restricted and no principal was configured"
              : manifest.datasetId()
                  + "@"
                  + manifest.version()
                  + " allows principals "
                  + policy.principals()
                  + " and groups "
                  + policy.groups()
                  + ", not "
                  + principal;
      audit(AuditEvent.ACCESS_DENIED, manifest, Map.of("detail", detail));
      throw new AccessDeniedException(who, detail);
    }
  }

  /**
   * The streaming AEAD of an encrypted release: the policy is checked again, then the data key is
   * unwrapped by the configured key management (audited as a key release).
   */
  StreamingAead releaseKey(DatasetManifest manifest) throws IOException {
    EncryptionInfo enc = manifest.encryption().orElseThrow();
    String release = manifest.datasetId() + "@" + manifest.version();
    ShardEncryption.check(enc, release);
    authorize(manifest);
    byte[] dataKey;
    try {
      if (kms == null) {
        throw new KeyUnavailableException(
            enc.kekId(),
            release + " is encrypted and this client has no key management (keyManagement(..))");
      }
      byte[] wrapped;
      try {
        wrapped = Base64.getDecoder().decode(enc.wrappedKey());
      } catch (IllegalArgumentException e) {
        throw new ManifestRejectedException(
            Reason.MALFORMED, release + " wrapped key is not base64", e);
      }
      dataKey =
          kms.unwrap(
              enc.kekId(),
              wrapped,
              ShardEncryption.keyContext(manifest.datasetId(), manifest.version()));
    } catch (IOException e) {
      audit(
          AuditEvent.KEY_RELEASE,
          manifest,
          Map.of(
              "kek", enc.kekId(), "outcome", "refused", "detail", String.valueOf(e.getMessage())));
      throw e;
    }
    try {
      StreamingAead aead = ShardEncryption.streamingAead(dataKey, enc.segmentSize());
      audit(AuditEvent.KEY_RELEASE, manifest, Map.of("kek", enc.kekId(), "outcome", "released"));
      return aead;
    } catch (GeneralSecurityException e) {
      throw new KeyUnavailableException(
          enc.kekId(), "the unwrapped data key is unusable: " + e.getMessage(), e);
    } finally {
      Arrays.fill(dataKey, (byte) 0);
    }
  }

  /** The listener of verified reads of one shard: health scores, and audit when configured. */
  VerifiedReadListener listenerFor(DatasetManifest manifest, String shardPath) {
    return audit == null ? health : new AuditedReads(health, audit, fields(manifest), shardPath);
  }

  private Map<String, String> fields(DatasetManifest manifest) {
    Map<String, String> f = new TreeMap<>();
    f.put("principal", principal == null ? "" : principal.name());
    if (manifest != null) {
      f.put("dataset", manifest.datasetId());
      f.put("version", manifest.version());
      f.put("revision", Integer.toString(manifest.revision()));
    }
    return f;
  }

  private void audit(AuditEvent event, DatasetManifest manifest, Map<String, String> extra)
      throws IOException {
    if (audit != null) {
      Map<String, String> f = fields(manifest);
      f.putAll(extra);
      audit.append(event, f);
    }
  }

  /** Bytes served, failures and cache use so far. */
  public ClientStats stats() {
    return new ClientStats(
        health.all(),
        cache == null ? 0 : cache.hits(),
        cache == null ? 0 : cache.fills(),
        cache == null ? 0 : cache.errors());
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

  Optional<DiskCache> cache() {
    return Optional.ofNullable(cache);
  }

  LoadedManifest loadManifest(URI uri) throws IOException {
    Optional<String> pin = ManifestUris.pinOf(uri);
    if (pin.isPresent()) {
      LoadedManifest known = manifests.getIfPresent(pin.get());
      if (known != null) {
        checkAddress(known.manifest(), uri);
        checkExpiry(known.manifest(), uri);
        return known;
      }
    }
    List<IOException> failures = new ArrayList<>();
    for (Candidate candidate : candidates(uri)) {
      try {
        byte[] bytes = readBounded(candidate);
        LoadedManifest loaded = verify(bytes, uri, pin);
        manifests.put(loaded.hash(), loaded);
        return loaded;
      } catch (IOException e) {
        LOG.debug("manifest candidate {} failed: {}", candidate.name, e.toString());
        failures.add(e);
      }
    }
    IOException rejected =
        failures.stream()
            .filter(f -> f instanceof ManifestRejectedException)
            .findFirst()
            .orElse(null);
    IOException thrown =
        rejected != null
            ? rejected
            : new ShardUnavailableException(
                uri.toString(),
                failures.isEmpty()
                    ? "no configured tier can serve this address"
                    : "no tier served the manifest");
    failures.stream().filter(f -> f != thrown).forEach(thrown::addSuppressed);
    throw thrown;
  }

  private LoadedManifest verify(byte[] envelopeBytes, URI uri, Optional<String> pin)
      throws ManifestRejectedException {
    SignedEnvelope envelope = SignedEnvelope.parse(envelopeBytes, SignedEnvelope.MANIFEST_TYPE);
    String hash = envelope.payloadSha256();
    if (pin.isPresent() && !pin.get().equals(hash)) {
      throw new ManifestRejectedException(
          Reason.HASH_MISMATCH,
          "'" + uri + "' pins " + pin.get() + " but the manifest found hashes to " + hash);
    }
    trust.verify(envelope, "manifest '" + uri + "'");
    DatasetManifest manifest = ManifestCodec.parse(envelope.payload());
    checkAddress(manifest, uri);
    checkExpiry(manifest, uri);
    return new LoadedManifest(manifest, hash, envelopeBytes);
  }

  /**
   * A manifest read from a release address must be that release and revision: a validly signed
   * manifest of another version served under this key (a freeze or mix-and-match) is refused.
   */
  private static void checkAddress(DatasetManifest manifest, URI uri)
      throws ManifestRejectedException {
    if (!ManifestUris.isLogical(uri)) {
      return;
    }
    String key = ManifestUris.keyOf(uri);
    String expected = ManifestUris.manifestKey(manifest);
    if (!key.equals(expected)) {
      throw new ManifestRejectedException(
          Reason.MALFORMED,
          "'"
              + uri
              + "' served the manifest of "
              + manifest.datasetId()
              + "@"
              + manifest.version()
              + " revision "
              + manifest.revision()
              + ", whose address is '"
              + expected
              + "'");
    }
  }

  private void checkExpiry(DatasetManifest manifest, URI uri) throws ManifestRejectedException {
    if (!allowExpired
        && manifest.expiresAt().isPresent()
        && clock.instant().isAfter(manifest.expiresAt().get())) {
      throw new ManifestRejectedException(
          Reason.EXPIRED,
          "manifest '"
              + uri
              + "' of "
              + manifest.datasetId()
              + "@"
              + manifest.version()
              + " expired at "
              + manifest.expiresAt().get());
    }
  }

  /** Where the bytes behind an address may be read, best first. */
  private List<Candidate> candidates(URI uri) throws ManifestRejectedException {
    List<Candidate> out = new ArrayList<>();
    if (ManifestUris.isLogical(uri)) {
      String key = ManifestUris.keyOf(uri);
      for (StorageTier tier : resolver.orderedTiers()) {
        tier.locate(key).ifPresent(loc -> out.add(Candidate.of(tier, loc)));
      }
      return out;
    }
    for (StorageTier tier : resolver.orderedTiers()) {
      out.add(Candidate.of(tier, new Locator(tier.id(), uri)));
    }
    if ("file".equals(uri.getScheme())) {
      Path file = Path.of(uri);
      out.add(new Candidate(file.toString(), () -> Files.newInputStream(file)));
    }
    return out;
  }

  private static byte[] readBounded(Candidate candidate) throws IOException {
    try (InputStream in = candidate.opener.open()) {
      byte[] bytes = in.readNBytes(ManifestCodec.MAX_MANIFEST_BYTES + 1);
      if (bytes.length > ManifestCodec.MAX_MANIFEST_BYTES) {
        throw new ManifestRejectedException(
            Reason.TOO_LARGE,
            candidate.name + " is larger than " + ManifestCodec.MAX_MANIFEST_BYTES + " bytes");
      }
      return bytes;
    } catch (RuntimeException e) {
      throw new HybridStorageException(candidate.name + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    manifests.invalidateAll();
    readPools.close();
  }

  /** A verified manifest with its hash and the signed bytes it came from. */
  @SuppressWarnings(
      "ArrayRecordComponent") // internal value; its array is never compared or exposed to callers
  record LoadedManifest(DatasetManifest manifest, String hash, byte[] envelope) {}

  private record Candidate(String name, DiskCache.Fetch opener) {
    static Candidate of(StorageTier tier, Locator loc) {
      return new Candidate(loc.toString(), () -> tier.read(loc, 0, -1));
    }
  }

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

    private Builder() {}

    public Builder tier(StorageTier tier) {
      tiers.add(Preconditions.checkNotNull(tier, "tier"));
      return this;
    }

    public Builder tiers(List<? extends StorageTier> more) {
      more.forEach(this::tier);
      return this;
    }

    /** The client's region: replicas there are read first. */
    public Builder region(String region) {
      this.region = region;
      return this;
    }

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

    public DatasetClient build() throws IOException {
      return new DatasetClient(this);
    }
  }
}
