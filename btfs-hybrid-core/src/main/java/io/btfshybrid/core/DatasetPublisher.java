package io.btfshybrid.core;

import com.google.common.base.Preconditions;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.StreamingAead;
import io.btfshybrid.api.DatasetManifest;
import io.btfshybrid.api.KeyManagementService;
import io.btfshybrid.api.ManifestPolicy;
import io.btfshybrid.api.SampleFormat;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.StorageTier;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a directory into an immutable, signed release replicated to every configured tier: each
 * file is hashed in one streaming pass, stored under a content-addressed key (so unchanged files
 * are shared between versions), and the signed manifest is stored last, followed by the dataset's
 * signed latest pointer, so a failed publication never leaves a release that looks complete.
 *
 * <p>Security options: {@code encryptWith} encrypts every shard before it leaves the machine (fresh
 * data key per release, Tink AES-GCM-HKDF streaming, segments aligned to chunks, data key wrapped
 * by a KEK); {@code policy} restricts who may read; {@code expiresAfter} bounds the manifest's
 * validity; several {@code signer}s produce k-of-n signatures; {@code auditLog} records
 * publications and key rotations.
 *
 * <p>Addresses: revision 1 of {@code dataset@version} is stored at {@code
 * manifests/<dataset>/<version>.json} and never changes. {@link #rotateKey} writes a new revision n
 * at {@code manifests/<dataset>/<version>/r<n>.json} (same shards, data key re-wrapped) and never
 * touches a stored object. The latest pointer {@code manifests/<dataset>/latest.json} is the only
 * document that is replaced: each publication or rotation writes it with a higher sequence, signed
 * and short-lived ({@code latestExpiresAfter}, default 7 days; renew it with {@link
 * #refreshLatest}).
 */
public final class DatasetPublisher {
  private static final Logger LOG = LoggerFactory.getLogger(DatasetPublisher.class);

  /** Default chunk size: the unit of verification and of ranged reads. */
  public static final int DEFAULT_CHUNK_SIZE = 1 << 20;

  /** Default validity of a latest pointer. */
  public static final Duration DEFAULT_LATEST_VALIDITY = Duration.ofDays(7);

  private final List<StorageTier> tiers;
  private final int chunkSize;
  private final String owner;
  private final String classification;
  private final Map<String, String> tags;
  private final Clock clock;
  private final ProgressListener progress;
  private final KeyManagementService kms;
  private final String kekId;
  private final Optional<ManifestPolicy> policy;
  private final Duration expiresAfter;
  private final boolean followLinks;
  private final SampleFormatRules formats;
  private final ReleaseLookup lookup;
  private final ShardUploader uploader;
  private final ManifestWriter writer;
  private final PublishAudit audit;
  private final KeyRotation rotation;

  private DatasetPublisher(Builder b) {
    Preconditions.checkArgument(!b.tiers.isEmpty(), "DatasetPublisher needs at least one tier");
    Preconditions.checkArgument(
        !b.signers.isEmpty(), "DatasetPublisher needs a signer (signer(..))");
    Preconditions.checkArgument(
        b.chunkSize > 0 && b.chunkSize <= ShardEntry.MAX_CHUNK_SIZE,
        "chunk size %s is outside 1..%s",
        b.chunkSize,
        ShardEntry.MAX_CHUNK_SIZE);
    if (b.kms != null) {
      ShardEncryption.checkSettings(b.kms, b.kekId, b.chunkSize);
    }
    this.tiers = List.copyOf(b.tiers);
    List<ManifestSigner> signers = List.copyOf(b.signers.values());
    this.chunkSize = b.chunkSize;
    this.owner = b.owner;
    this.tags = new TreeMap<>(b.tags);
    this.clock = b.clock;
    this.progress = b.progress;
    this.kms = b.kms;
    this.kekId = b.kekId;
    this.policy =
        b.policy == null || b.policy.isOpen()
            ? Optional.empty()
            : Optional.of(b.policy.toManifestPolicy());
    this.classification =
        b.policy == null ? b.classification : b.policy.classification().orElse(b.classification);
    this.expiresAfter = b.expiresAfter;
    this.followLinks = b.followLinks;
    this.formats = b.formats.copy();
    TrustRoot trust =
        b.trust != null
            ? b.trust
            : TrustRoot.of(
                signers.stream().map(ManifestSigner::publicKeyset).toArray(KeysetHandle[]::new));
    this.lookup = new ReleaseLookup(tiers, trust, kms != null, policy);
    this.uploader =
        new ShardUploader(tiers, chunkSize, b.tempDirectory, Meters.of(b.meterRegistry));
    this.writer = new ManifestWriter(tiers, signers, trust, clock, b.latestValidity);
    this.audit = new PublishAudit(b.audit, signers);
    this.rotation =
        kms == null ? null : new KeyRotation(tiers, trust, clock, kms, expiresAfter, writer, audit);
  }

  /** A builder: tiers and a signer are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Publishes every regular file under {@code sourceDir} as {@code datasetId@version} and moves the
   * dataset's latest pointer to it. Publishing the same content again is a no-op; different content
   * under a published version is refused with {@link ReleaseConflictException}, also when another
   * publisher stores it first while this one is uploading.
   */
  public PublishResult publish(Path sourceDir, String datasetId, String version)
      throws IOException {
    ShardPaths.checkName("dataset id", datasetId);
    ShardPaths.checkName("version", version);
    Preconditions.checkArgument(
        !version.equalsIgnoreCase(ManifestUris.LATEST),
        "version '%s' is reserved for the latest pointer",
        version);
    List<SourceFile> files = SourceTree.list(sourceDir, followLinks);
    String manifestKey = ManifestUris.manifestKey(datasetId, version);
    long total = files.stream().mapToLong(SourceFile::size).sum();

    List<HashPass.Hashed> hashed = HashPass.run(files, chunkSize, formats, progress);
    List<ShardDigest> digests = HashPass.digests(hashed);
    Map<String, String> content = ReleaseLookup.contentOf(files, digests);
    Optional<PublishResult> existing = lookup.existing(manifestKey, datasetId, version, content);
    if (existing.isPresent()) {
      return existing.get();
    }
    writer.checkLatestReadable(datasetId);

    DatasetManifest.Builder manifest = newManifest(datasetId, version);
    StreamingAead encrypt =
        kms == null
            ? null
            : ShardEncryption.forRelease(kms, kekId, chunkSize, manifest, datasetId, version);
    long uploadTotal = total * tiers.size();
    long[] moved = {0};
    ShardUploader.Counts counts =
        new ShardUploader.Counts(
            n -> progress.progress("upload", Math.min(moved[0] += n, uploadTotal), uploadTotal));
    String release = datasetId + "@" + version;
    for (int i = 0; i < files.size(); i++) {
      ShardEntry entry = uploader.store(files.get(i), digests.get(i), encrypt, release, counts);
      manifest.shard(uploader.withSamples(entry, hashed.get(i).index(), release, counts));
    }
    progress.progress("upload", uploadTotal, uploadTotal);
    DatasetManifest built = manifest.build();
    SignedEnvelope envelope = writer.sign(built);
    ManifestWriter.Stored stored =
        writer.storeNew(
            manifestKey,
            envelope.toJson(),
            (tier, where, bytes) -> lookup.judge(tier, where, bytes, datasetId, version, content));
    if (stored.existing().isPresent()) {
      return stored.existing().get();
    }
    String hash = envelope.payloadSha256();
    URI latest = writer.publishLatest(built, manifestKey, hash);
    LOG.info(
        "published {}@{}: {} shards, {} bytes uploaded, manifest {}{}",
        datasetId,
        version,
        files.size(),
        counts.bytes,
        hash,
        encrypt == null ? "" : ", encrypted");
    audit.record(
        AuditEvent.PUBLISH,
        built,
        Map.of(
            "manifest",
            hash,
            "encrypted",
            Boolean.toString(encrypt != null),
            "kek",
            encrypt == null ? "" : kekId,
            "tiers",
            tiers.stream().map(StorageTier::id).collect(Collectors.joining(","))));
    return PublishResult.builder()
        .manifestUri(ManifestUris.releaseUri(datasetId, version, hash))
        .manifestHash(hash)
        .manifest(built)
        .manifestLocations(stored.locations())
        .bytesUploaded(counts.bytes)
        .objectsUploaded(counts.uploaded)
        .objectsReused(counts.reused)
        .latestUri(latest)
        .build();
  }

  private DatasetManifest.Builder newManifest(String datasetId, String version) {
    Instant createdAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    DatasetManifest.Builder manifest =
        DatasetManifest.builder()
            .datasetId(datasetId)
            .version(version)
            .createdAt(createdAt)
            .owner(owner)
            .classification(classification)
            .tags(tags);
    if (expiresAfter != null) {
      manifest.expiresAt(createdAt.plus(expiresAfter));
    }
    policy.ifPresent(manifest::policy);
    return manifest;
  }

  /**
   * Re-signs the dataset's current latest pointer with a higher sequence and a fresh expiry (run it
   * well within {@code latestExpiresAfter}, e.g. daily, so clients never see it expire).
   */
  public URI refreshLatest(String datasetId) throws IOException {
    ShardPaths.checkName("dataset id", datasetId);
    return writer.refreshLatest(datasetId);
  }

  /**
   * Re-wraps the data key of an encrypted release under {@code newKekId} without re-encrypting:
   * publishes a new manifest revision at {@code manifests/<dataset>/<version>/r<n>.json} listing
   * the same shards and stored objects (nothing is rewritten or uploaded), signed by this
   * publisher's signers, and moves the latest pointer to it when the pointer named this
   * dataset@version. The old revision stays valid for as long as its KEK is usable and it has not
   * expired: pinned addresses keep meaning exactly what they meant; retire the old KEK to retire
   * the old revision. The key management of {@code encryptWith} must hold both KEKs.
   */
  public PublishResult rotateKey(URI manifestUri, String newKekId) throws IOException {
    Preconditions.checkState(
        rotation != null, "rotateKey needs encryptWith(kms, kekId) on the builder");
    return rotation.rotate(manifestUri, newKekId);
  }

  /** Told how far a publication has come: a phase, bytes done and bytes in all. */
  @FunctionalInterface
  public interface ProgressListener {
    /** Ignores progress. */
    ProgressListener NONE = (phase, done, total) -> {};

    /** {@code done} of {@code total} bytes of {@code phase} ("hash", "upload") are through. */
    void progress(String phase, long done, long total);
  }

  /** Configures a {@link DatasetPublisher}. */
  public static final class Builder {
    private final List<StorageTier> tiers = new ArrayList<>();
    private final Map<String, ManifestSigner> signers = new LinkedHashMap<>();
    private KeyManagementService kms;
    private String kekId;
    private AccessPolicy policy;
    private Duration expiresAfter;
    private Duration latestValidity = DEFAULT_LATEST_VALIDITY;
    private AuditLog audit;
    private TrustRoot trust;
    private Path tempDirectory;
    private boolean followLinks;
    private final SampleFormatRules formats = new SampleFormatRules();
    private int chunkSize = DEFAULT_CHUNK_SIZE;
    private String owner = System.getProperty("user.name", "");
    private String classification = "unclassified";
    private final Map<String, String> tags = new TreeMap<>();
    private Clock clock = Clock.systemUTC();
    private ProgressListener progress = ProgressListener.NONE;
    private Object meterRegistry; // a MeterRegistry: typed Object so Micrometer stays optional

    private Builder() {}

    /** Adds a tier every object is stored on (at least one is required). */
    public Builder tier(StorageTier tier) {
      tiers.add(Objects.requireNonNull(tier, "tier"));
      return this;
    }

    /** Adds several tiers, in order. */
    public Builder tiers(List<? extends StorageTier> more) {
      more.forEach(this::tier);
      return this;
    }

    /**
     * Adds a signing key; every document is signed by all signers added (the same key twice counts
     * once), so clients with a k-of-n {@link TrustRoot} can require several.
     */
    public Builder signer(ManifestSigner signer) {
      Objects.requireNonNull(signer, "signer");
      signers.putIfAbsent(signer.keyId(), signer);
      return this;
    }

    /** Adds another signing key (same as {@link #signer}). */
    public Builder additionalSigner(ManifestSigner signer) {
      return signer(signer);
    }

    /**
     * Encrypts every shard of each release under a fresh data key, wrapped by {@code kekId} of
     * {@code kms} (which must list it). Needs a chunk size of at least 1 KiB.
     */
    public Builder encryptWith(KeyManagementService kms, String kekId) {
      this.kms = Objects.requireNonNull(kms, "kms");
      this.kekId = Objects.requireNonNull(kekId, "kekId");
      return this;
    }

    /** Restricts who may read (stored in the manifest); its classification, if set, wins. */
    public Builder policy(AccessPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Manifests expire this long after publication (clients refuse them afterwards). */
    public Builder expiresAfter(Duration validity) {
      this.expiresAfter = positive("expiresAfter", validity);
      return this;
    }

    /** How long a latest pointer is valid (default 7 days); renew with refreshLatest. */
    public Builder latestExpiresAfter(Duration validity) {
      this.latestValidity = positive("latestExpiresAfter", validity);
      return this;
    }

    private static Duration positive(String what, Duration d) {
      Preconditions.checkArgument(
          d != null && !d.isNegative() && !d.isZero(), "%s must be positive, was %s", what, d);
      return d;
    }

    /** Records publications and key rotations (the log stays owned by the caller). */
    public Builder auditLog(AuditLog log) {
      this.audit = log;
      return this;
    }

    /**
     * The keys whose existing latest pointers and manifests this publisher accepts when it
     * continues a sequence or rotates a key (default: its own signers, any one of them).
     */
    public Builder trust(TrustRoot trust) {
      this.trust = trust;
      return this;
    }

    /** Where encrypted shards are staged before upload (default: the system temp directory). */
    public Builder tempDirectory(Path dir) {
      this.tempDirectory = dir;
      return this;
    }

    /**
     * Whether symbolic links in the source directory are followed wherever they point (default
     * false: a link whose target leaves the source directory is refused, naming the link).
     */
    public Builder followLinks(boolean follow) {
      this.followLinks = follow;
      return this;
    }

    /**
     * Indexes shards whose path matches {@code glob} ({@code java.nio} glob syntax, e.g. {@code
     * "train/*.rec"}) as {@code format}; the first matching rule wins, and a shard no rule matches
     * gets {@link SampleFormat#forPath}'s default ({@code *.tar} tar, {@code *.jsonl} jsonl, else
     * raw). The index blob of every non-raw shard is stored on every tier next to the shards, in
     * plaintext also for encrypted releases (it holds only offsets, lengths and, for tar, sample
     * keys and field names); the manifest's signature covers it through its hash.
     */
    public Builder sampleFormat(String glob, SampleFormat format) {
      formats.add(Objects.requireNonNull(glob, "glob"), Objects.requireNonNull(format, "format"));
      return this;
    }

    /** The longest jsonl line or record a shard may hold (default 64 MiB): longer fails. */
    public Builder maxSampleBytes(long bytes) {
      formats.maxSampleBytes(bytes);
      return this;
    }

    /** Bytes per verified chunk (default 1 MiB, at most 4 MiB). */
    public Builder chunkSize(int bytes) {
      this.chunkSize = bytes;
      return this;
    }

    /** The owner recorded in the manifest (default: the user name). */
    public Builder owner(String owner) {
      this.owner = Objects.requireNonNull(owner, "owner");
      return this;
    }

    /** The classification label recorded in the manifest (default "unclassified"). */
    public Builder classification(String label) {
      this.classification = Objects.requireNonNull(label, "classification");
      return this;
    }

    /** Adds a free-form tag recorded in the manifest. */
    public Builder tag(String key, String value) {
      tags.put(key, value);
      return this;
    }

    /** The clock for creation, expiry and pointer times (default: the system UTC clock). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Told how far each publication has come (default: nobody). */
    public Builder progress(ProgressListener listener) {
      this.progress = Objects.requireNonNull(listener, "progress");
      return this;
    }

    /** Counts bytes stored and reused and store latency per tier in {@code registry}. */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "meterRegistry");
      return this;
    }

    /** Builds the publisher, checking tiers, signers, chunk size and encryption settings. */
    public DatasetPublisher build() {
      return new DatasetPublisher(this);
    }
  }
}
