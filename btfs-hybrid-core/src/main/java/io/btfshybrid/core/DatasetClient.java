package io.btfshybrid.core;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.common.base.Preconditions;
import io.btfshybrid.api.DatasetManifest;
import io.btfshybrid.api.HybridStorageException;
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
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens signed releases and reads their shards verified, from the healthiest tier that has good
 * bytes, through an optional byte-bounded disk cache. Thread-safe; share one per application. The
 * tiers stay owned by the caller: closing the client does not close them.
 */
public final class DatasetClient implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(DatasetClient.class);

  private final List<StorageTier> tiers;
  private final TrustRoot trust;
  private final Clock clock;
  private final boolean allowExpired;
  private final HealthTracker health;
  private final ManifestResolver resolver;
  private final DiskCache cache;
  private final Cache<String, LoadedManifest> manifests;

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
  }

  /** A builder: tiers, region, trust root and an optional cache. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Opens a release: a {@code btfs-hybrid://manifests/…} address (optionally pinned with
   * {@code ?sha256=}), a tier URI such as {@code s3://bucket/key} or {@code btfs://<cid>}, or a
   * local {@code file:} manifest. The manifest's signature, pin and expiry are checked first.
   */
  public Dataset open(URI manifestUri) throws IOException {
    return new Dataset(this, loadManifest(manifestUri));
  }

  /** Bytes served, failures and cache use so far. */
  public ClientStats stats() {
    return new ClientStats(
        health.all(), cache == null ? 0 : cache.hits(), cache == null ? 0 : cache.fills());
  }

  /** The read planner this client uses (for inspection and `plan`). */
  public ManifestResolver resolver() {
    return resolver;
  }

  HealthTracker health() {
    return health;
  }

  Optional<DiskCache> cache() {
    return Optional.ofNullable(cache);
  }

  LoadedManifest loadManifest(URI uri) throws IOException {
    Optional<String> pin = ManifestUris.pinOf(uri);
    if (pin.isPresent()) {
      LoadedManifest known = manifests.getIfPresent(pin.get());
      if (known != null) {
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
        failures.stream().filter(f -> f instanceof ManifestRejectedException).findFirst().orElse(null);
    IOException thrown =
        rejected != null
            ? rejected
            : new ShardUnavailableException(
                uri.toString(),
                failures.isEmpty() ? "no configured tier can serve this address" : "no tier served the manifest");
    failures.stream().filter(f -> f != thrown).forEach(thrown::addSuppressed);
    throw thrown;
  }

  private LoadedManifest verify(byte[] envelopeBytes, URI uri, Optional<String> pin)
      throws ManifestRejectedException {
    SignedEnvelope envelope = SignedEnvelope.parse(envelopeBytes, SignedEnvelope.MANIFEST_TYPE);
    String hash = envelope.payloadSha256();
    if (pin.isPresent() && !pin.get().equals(hash)) {
      throw new ManifestRejectedException(
          Reason.HASH_MISMATCH, "'" + uri + "' pins " + pin.get() + " but the manifest found hashes to " + hash);
    }
    trust.verify(envelope, "manifest '" + uri + "'");
    DatasetManifest manifest = ManifestCodec.parse(envelope.payload());
    checkExpiry(manifest, uri);
    return new LoadedManifest(manifest, hash, envelopeBytes);
  }

  private void checkExpiry(DatasetManifest manifest, URI uri) throws ManifestRejectedException {
    if (!allowExpired
        && manifest.expiresAt().isPresent()
        && clock.instant().isAfter(manifest.expiresAt().get())) {
      throw new ManifestRejectedException(
          Reason.EXPIRED,
          "manifest '" + uri + "' of " + manifest.datasetId() + "@" + manifest.version()
              + " expired at " + manifest.expiresAt().get());
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
            Reason.TOO_LARGE, candidate.name + " is larger than " + ManifestCodec.MAX_MANIFEST_BYTES + " bytes");
      }
      return bytes;
    } catch (RuntimeException e) {
      throw new HybridStorageException(candidate.name + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    manifests.invalidateAll();
  }

  /** A verified manifest with its hash and the signed bytes it came from. */
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

    public DatasetClient build() throws IOException {
      return new DatasetClient(this);
    }
  }
}
