package io.btfshybrid.core;

import com.google.common.base.Preconditions;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.StreamingAead;
import io.btfshybrid.api.DatasetManifest;
import io.btfshybrid.api.EncryptionInfo;
import io.btfshybrid.api.HybridStorageException;
import io.btfshybrid.api.KeyManagementService;
import io.btfshybrid.api.KeyUnavailableException;
import io.btfshybrid.api.LocationHint;
import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ManifestRejectedException;
import io.btfshybrid.api.ObjectInfo;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.ShardUnavailableException;
import io.btfshybrid.api.StorageTier;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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

  private static final int MAX_REVISIONS = 10_000;

  private final List<StorageTier> tiers;
  private final List<ManifestSigner> signers;
  private final int chunkSize;
  private final String owner;
  private final String classification;
  private final Map<String, String> tags;
  private final Clock clock;
  private final ProgressListener progress;
  private final KeyManagementService kms;
  private final String kekId;
  private final AccessPolicy policy;
  private final Duration expiresAfter;
  private final Duration latestValidity;
  private final AuditLog audit;
  private final TrustRoot trust;
  private final Path tempDirectory;

  private DatasetPublisher(Builder b) {
    Preconditions.checkArgument(!b.tiers.isEmpty(), "DatasetPublisher needs at least one tier");
    Preconditions.checkArgument(
        !b.signers.isEmpty(), "DatasetPublisher needs a signer (signer(..))");
    Preconditions.checkArgument(
        b.chunkSize > 0 && b.chunkSize <= ShardEntry.MAX_CHUNK_SIZE,
        "chunk size %s is outside 1..%s",
        b.chunkSize,
        ShardEntry.MAX_CHUNK_SIZE);
    Preconditions.checkArgument(
        b.kms == null || b.chunkSize >= ShardEncryption.MIN_SEGMENT_BYTES,
        "an encrypted release needs a chunk size of at least %s, was %s",
        ShardEncryption.MIN_SEGMENT_BYTES,
        b.chunkSize);
    Preconditions.checkArgument(
        b.kms == null || b.kms.keyIds().contains(b.kekId),
        "KEK '%s' is not one of the key management's KEKs %s",
        b.kekId,
        b.kms == null ? List.of() : b.kms.keyIds());
    this.tiers = List.copyOf(b.tiers);
    this.signers = List.copyOf(b.signers.values());
    this.chunkSize = b.chunkSize;
    this.owner = b.owner;
    this.tags = new TreeMap<>(b.tags);
    this.clock = b.clock;
    this.progress = b.progress;
    this.kms = b.kms;
    this.kekId = b.kekId;
    this.policy = b.policy;
    this.classification =
        b.policy == null ? b.classification : b.policy.classification().orElse(b.classification);
    this.expiresAfter = b.expiresAfter;
    this.latestValidity = b.latestValidity;
    this.audit = b.audit;
    this.trust =
        b.trust != null
            ? b.trust
            : TrustRoot.of(
                signers.stream().map(ManifestSigner::publicKeyset).toArray(KeysetHandle[]::new));
    this.tempDirectory = b.tempDirectory;
  }

  /** A builder: tiers and a signer are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Publishes every regular file under {@code sourceDir} as {@code datasetId@version} and moves the
   * dataset's latest pointer to it. Publishing the same content again is a no-op; different content
   * under a published version is refused with {@link ReleaseConflictException}.
   */
  public PublishResult publish(Path sourceDir, String datasetId, String version)
      throws IOException {
    ShardPaths.checkName("dataset id", datasetId);
    ShardPaths.checkName("version", version);
    Preconditions.checkArgument(
        !version.equalsIgnoreCase(ManifestUris.LATEST),
        "version '%s' is reserved for the latest pointer",
        version);
    if (!Files.isDirectory(sourceDir)) {
      throw new IllegalArgumentException("source '" + sourceDir + "' is not a directory");
    }
    List<SourceFile> files = listFiles(sourceDir);
    String manifestKey = ManifestUris.manifestKey(datasetId, version);
    long total = files.stream().mapToLong(SourceFile::size).sum();

    List<ShardDigest> digests = new ArrayList<>();
    long hashed = 0;
    for (SourceFile f : files) {
      digests.add(ShardDigest.of(f.path(), chunkSize));
      hashed += f.size();
      progress.progress("hash", hashed, total);
    }
    Optional<PublishResult> existing =
        existingRelease(manifestKey, datasetId, version, digests, files);
    if (existing.isPresent()) {
      return existing.get();
    }

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
    if (policy != null && !policy.isOpen()) {
      manifest.policy(policy.toManifestPolicy());
    }
    StreamingAead encrypt = null;
    if (kms != null) {
      byte[] dataKey = ShardEncryption.newDataKey();
      try {
        byte[] wrapped = kms.wrap(kekId, dataKey, ShardEncryption.keyContext(datasetId, version));
        manifest.encryption(
            new EncryptionInfo(
                ShardEncryption.SCHEME,
                chunkSize,
                kekId,
                Base64.getEncoder().encodeToString(wrapped)));
        encrypt = ShardEncryption.streamingAead(dataKey, chunkSize);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("cannot set up shard encryption", e);
      } finally {
        Arrays.fill(dataKey, (byte) 0);
      }
    }
    Upload counts = new Upload();
    long done = 0;
    for (int i = 0; i < files.size(); i++) {
      SourceFile file = files.get(i);
      ShardDigest digest = digests.get(i);
      String release = datasetId + "@" + version;
      ShardEntry entry =
          encrypt == null
              ? storePlain(file, digest, release, counts)
              : storeEncrypted(file, digest, encrypt, release, counts);
      manifest.shard(entry);
      done += file.size();
      progress.progress("upload", done, total);
    }
    DatasetManifest built = manifest.build();
    SignedEnvelope envelope =
        sign(SignedEnvelope.MANIFEST_TYPE, ManifestCodec.toCanonicalJson(built));
    List<Locator> stored = storeDocument(manifestKey, envelope.toJson());
    String hash = envelope.payloadSha256();
    URI latest = publishLatest(built, manifestKey, hash);
    LOG.info(
        "published {}@{}: {} shards, {} bytes uploaded, manifest {}{}",
        datasetId,
        version,
        files.size(),
        counts.bytes,
        hash,
        encrypt == null ? "" : ", encrypted");
    audit(
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
    return new PublishResult(
        ManifestUris.releaseUri(datasetId, version, hash),
        hash,
        built,
        stored,
        counts.bytes,
        counts.uploaded,
        counts.reused,
        false,
        latest);
  }

  /** Running totals of one publication. */
  private static final class Upload {
    long bytes;
    int uploaded;
    int reused;
  }

  private ShardEntry storePlain(SourceFile file, ShardDigest digest, String release, Upload counts)
      throws IOException {
    List<LocationHint> hints =
        replicate(file.path(), file.relative(), file.size(), digest.sha256(), release, counts);
    return new ShardEntry(
        file.relative(),
        file.size(),
        digest.sha256(),
        file.size(),
        digest.sha256(),
        chunkSize,
        digest.chunkHashes(),
        hints);
  }

  /**
   * Encrypts one file once into a temporary file (the nonce prefix is random, so the ciphertext is
   * only reproducible from that file), checks the plaintext is still what was hashed, and stores
   * the ciphertext. The temporary file holds only ciphertext and is removed afterwards.
   */
  private ShardEntry storeEncrypted(
      SourceFile file, ShardDigest digest, StreamingAead encrypt, String release, Upload counts)
      throws IOException {
    Path temp =
        tempDirectory == null
            ? Files.createTempFile("btfs-hybrid-", ".enc")
            : Files.createTempFile(Files.createDirectories(tempDirectory), "btfs-hybrid-", ".enc");
    try {
      ShardEncryption.EncryptedShard enc =
          ShardEncryption.encrypt(file.path(), temp, encrypt, file.relative(), chunkSize);
      if (!enc.plainSha256().equals(digest.sha256()) || enc.plainSize() != file.size()) {
        throw new HybridStorageException(
            "'" + file.relative() + "' changed while it was being published; publish again");
      }
      ShardDigest stored = enc.stored();
      List<LocationHint> hints =
          replicate(temp, file.relative(), stored.size(), stored.sha256(), release, counts);
      return new ShardEntry(
          file.relative(),
          file.size(),
          digest.sha256(),
          stored.size(),
          stored.sha256(),
          chunkSize,
          stored.chunkHashes(),
          hints);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Stores one object on every tier (reusing an intact copy), returning the location hints. */
  private List<LocationHint> replicate(
      Path bytes, String label, long size, String sha256, String release, Upload counts)
      throws IOException {
    String key = BlobKeys.of(sha256);
    List<LocationHint> hints = new ArrayList<>();
    for (StorageTier tier : tiers) {
      Optional<Locator> reusable = reusable(tier, key, size);
      Locator where;
      if (reusable.isPresent()) {
        where = reusable.get();
        counts.reused++;
      } else {
        try {
          where = upload(tier, key, bytes, label, size, sha256);
        } catch (IOException e) {
          throw new HybridStorageException(
              "publishing "
                  + release
                  + ": tier '"
                  + tier.id()
                  + "' failed to store '"
                  + label
                  + "': "
                  + e.getMessage(),
              e);
        }
        counts.bytes += size;
        counts.uploaded++;
      }
      hints.add(new LocationHint(tier.id(), tier.kind(), tier.region(), where.uri()));
    }
    return hints;
  }

  private SignedEnvelope sign(String type, byte[] payload) {
    return SignedEnvelope.sign(type, payload, signers);
  }

  private List<Locator> storeDocument(String key, byte[] document) throws IOException {
    List<Locator> stored = new ArrayList<>();
    for (StorageTier tier : tiers) {
      stored.add(tier.write(key, new ByteArrayInputStream(document), document.length));
    }
    return stored;
  }

  /**
   * Writes a new latest pointer for the manifest of {@code release} stored at {@code key}, one
   * sequence above the newest verifiable pointer on any tier.
   */
  private URI publishLatest(DatasetManifest release, String key, String manifestHash)
      throws IOException {
    String datasetId = release.datasetId();
    List<IOException> unreadable = new ArrayList<>();
    Optional<LatestPointers.Found> current =
        LatestPointers.newest(tiers, datasetId, trust, unreadable);
    unreadable.forEach(
        e ->
            LOG.warn(
                "ignoring an unverifiable latest pointer of {}: {}", datasetId, e.getMessage()));
    long sequence = current.map(f -> f.pointer().sequence() + 1).orElse(1L);
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    LatestPointer pointer =
        new LatestPointer(
            datasetId,
            sequence,
            release.version(),
            release.revision(),
            key,
            manifestHash,
            now,
            now.plus(latestValidity));
    storeDocument(
        ManifestUris.latestKey(datasetId),
        sign(SignedEnvelope.LATEST_TYPE, pointer.toCanonicalJson()).toJson());
    LOG.debug(
        "latest pointer of {} is now sequence {} -> {}@{} revision {}",
        datasetId,
        sequence,
        datasetId,
        release.version(),
        release.revision());
    return ManifestUris.latestUri(datasetId);
  }

  /**
   * Re-signs the dataset's current latest pointer with a higher sequence and a fresh expiry (run it
   * well within {@code latestExpiresAfter}, e.g. daily, so clients never see it expire).
   */
  public URI refreshLatest(String datasetId) throws IOException {
    ShardPaths.checkName("dataset id", datasetId);
    List<IOException> failures = new ArrayList<>();
    LatestPointer current =
        LatestPointers.newest(tiers, datasetId, trust, failures)
            .orElseThrow(
                () ->
                    new ShardUnavailableException(
                        ManifestUris.latestKey(datasetId),
                        "no tier holds a verifiable latest pointer to refresh"))
            .pointer();
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    LatestPointer next =
        new LatestPointer(
            datasetId,
            current.sequence() + 1,
            current.version(),
            current.revision(),
            current.manifestKey(),
            current.manifestSha256(),
            now,
            now.plus(latestValidity));
    storeDocument(
        ManifestUris.latestKey(datasetId),
        sign(SignedEnvelope.LATEST_TYPE, next.toCanonicalJson()).toJson());
    return ManifestUris.latestUri(datasetId);
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
    Preconditions.checkState(kms != null, "rotateKey needs encryptWith(kms, kekId) on the builder");
    if (!kms.keyIds().contains(newKekId)) {
      throw new KeyUnavailableException(
          newKekId, "not one of the key management's KEKs " + kms.keyIds());
    }
    DatasetManifest old;
    try (DatasetClient reader =
        DatasetClient.builder().tiers(tiers).trust(trust).allowExpired(true).clock(clock).build()) {
      old = reader.resolve(manifestUri).manifest();
    }
    String release = old.datasetId() + "@" + old.version();
    EncryptionInfo enc =
        old.encryption()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        release + " is not encrypted: there is no data key to rotate"));
    ShardEncryption.check(enc, release);
    byte[] context = ShardEncryption.keyContext(old.datasetId(), old.version());
    byte[] dataKey = kms.unwrap(enc.kekId(), Base64.getDecoder().decode(enc.wrappedKey()), context);
    byte[] rewrapped;
    try {
      rewrapped = kms.wrap(newKekId, dataKey, context);
    } finally {
      Arrays.fill(dataKey, (byte) 0);
    }
    int revision = nextRevision(old);
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    DatasetManifest next =
        old.toBuilder()
            .revision(revision)
            .createdAt(now)
            .expiresAt(expiresAfter != null ? now.plus(expiresAfter) : old.expiresAt().orElse(null))
            .encryption(
                new EncryptionInfo(
                    enc.scheme(),
                    enc.segmentSize(),
                    newKekId,
                    Base64.getEncoder().encodeToString(rewrapped)))
            .build();
    String key = ManifestUris.manifestKey(next);
    SignedEnvelope envelope =
        sign(SignedEnvelope.MANIFEST_TYPE, ManifestCodec.toCanonicalJson(next));
    List<Locator> stored = storeDocument(key, envelope.toJson());
    String hash = envelope.payloadSha256();
    List<IOException> ignored = new ArrayList<>();
    Optional<LatestPointers.Found> current =
        LatestPointers.newest(tiers, old.datasetId(), trust, ignored);
    if (current.isEmpty() || current.get().pointer().version().equals(old.version())) {
      publishLatest(next, key, hash);
    }
    LOG.info(
        "rotated the data key of {} from KEK {} to {}: revision {}, manifest {}",
        release,
        enc.kekId(),
        newKekId,
        revision,
        hash);
    audit(
        AuditEvent.KEY_ROTATION,
        next,
        Map.of("manifest", hash, "fromKek", enc.kekId(), "kek", newKekId));
    return new PublishResult(
        ManifestUris.uriOf(key, hash),
        hash,
        next,
        stored,
        0,
        0,
        0,
        false,
        ManifestUris.latestUri(old.datasetId()));
  }

  /** One above the highest revision of the release stored on any tier. */
  private int nextRevision(DatasetManifest m) throws IOException {
    int revision = m.revision() + 1;
    while (revision < MAX_REVISIONS
        && storedAnywhere(ManifestUris.manifestKey(m.datasetId(), m.version(), revision))) {
      revision++;
    }
    if (revision >= MAX_REVISIONS) {
      throw new ReleaseConflictException(
          m.datasetId()
              + "@"
              + m.version()
              + " already has "
              + MAX_REVISIONS
              + " manifest revisions");
    }
    return revision;
  }

  private boolean storedAnywhere(String key) throws IOException {
    for (StorageTier tier : tiers) {
      Optional<Locator> loc = tier.locate(key);
      if (loc.isPresent() && tier.stat(loc.get()).isPresent()) {
        return true;
      }
    }
    return false;
  }

  private void audit(AuditEvent event, DatasetManifest m, Map<String, String> extra)
      throws IOException {
    if (audit == null) {
      return;
    }
    Map<String, String> fields = new TreeMap<>(extra);
    fields.put("dataset", m.datasetId());
    fields.put("version", m.version());
    fields.put("revision", Integer.toString(m.revision()));
    fields.put(
        "signers", signers.stream().map(ManifestSigner::keyId).collect(Collectors.joining(",")));
    audit.append(event, fields);
  }

  /**
   * Stores one file and checks the bytes that went out are the bytes that were hashed; a file
   * changed during publication is removed from the tier again and reported.
   */
  private static Locator upload(
      StorageTier tier, String key, Path bytes, String label, long size, String sha256)
      throws IOException {
    Locator where;
    com.google.common.hash.HashingInputStream in =
        new com.google.common.hash.HashingInputStream(
            com.google.common.hash.Hashing.sha256(), Files.newInputStream(bytes));
    try (in) {
      where = tier.write(key, in, size);
    }
    if (!in.hash().toString().equals(sha256)) {
      tier.delete(where);
      throw new HybridStorageException(
          "'" + label + "' changed while it was being published; publish again");
    }
    return where;
  }

  /** A copy already stored under the content-addressed key with the right size is reused. */
  private static Optional<Locator> reusable(StorageTier tier, String key, long size)
      throws IOException {
    Optional<Locator> loc = tier.locate(key);
    if (loc.isEmpty()) {
      return Optional.empty();
    }
    Optional<ObjectInfo> info = tier.stat(loc.get());
    return info.filter(i -> i.size() == size).map(i -> loc.get());
  }

  /** The release already stored under this version, if any; refused when its content differs. */
  private Optional<PublishResult> existingRelease(
      String key,
      String datasetId,
      String version,
      List<ShardDigest> digests,
      List<SourceFile> files)
      throws IOException {
    Map<String, String> newContent = new java.util.HashMap<>();
    for (int i = 0; i < files.size(); i++) {
      newContent.put(files.get(i).relative(), files.get(i).size() + ":" + digests.get(i).sha256());
    }
    for (StorageTier tier : tiers) {
      Optional<Locator> loc = tier.locate(key);
      if (loc.isEmpty() || tier.stat(loc.get()).isEmpty()) {
        continue;
      }
      byte[] bytes;
      try (InputStream in = tier.read(loc.get(), 0, -1)) {
        bytes = in.readNBytes(ManifestCodec.MAX_MANIFEST_BYTES + 1);
      }
      SignedEnvelope envelope;
      DatasetManifest old;
      try {
        envelope = SignedEnvelope.parse(bytes, SignedEnvelope.MANIFEST_TYPE);
        old = ManifestCodec.parse(envelope.payload());
      } catch (ManifestRejectedException e) {
        throw new ReleaseConflictException(
            datasetId
                + "@"
                + version
                + " already exists on tier '"
                + tier.id()
                + "' but its manifest is unreadable ("
                + e.getMessage()
                + "); refusing to overwrite");
      }
      Map<String, String> oldContent =
          old.shards().stream()
              .collect(Collectors.toMap(ShardEntry::path, s -> s.size() + ":" + s.sha256()));
      if (!oldContent.equals(newContent)) {
        throw new ReleaseConflictException(
            datasetId
                + "@"
                + version
                + " is already published with different content; "
                + "releases are immutable, publish a new version");
      }
      String protection = protectionConflict(old);
      if (protection != null) {
        throw new ReleaseConflictException(
            datasetId
                + "@"
                + version
                + " is already published with the same content but "
                + protection
                + "; releases are immutable, publish a new version");
      }
      String hash = envelope.payloadSha256();
      LOG.info(
          "{}@{} is already published with the same content (manifest {})",
          datasetId,
          version,
          hash);
      return Optional.of(
          new PublishResult(
              ManifestUris.releaseUri(datasetId, version, hash),
              hash,
              old,
              List.of(loc.get()),
              0,
              0,
              0,
              true,
              ManifestUris.latestUri(datasetId)));
    }
    return Optional.empty();
  }

  /**
   * How an existing release's protection differs from what this publisher would write (so a release
   * asked for encrypted or restricted is never silently answered by an open one), or null.
   */
  private String protectionConflict(DatasetManifest old) {
    if (old.encryption().isPresent() != (kms != null)) {
      return old.encryption().isPresent() ? "encrypted" : "unencrypted";
    }
    Optional<io.btfshybrid.api.ManifestPolicy> wanted =
        policy == null || policy.isOpen()
            ? Optional.empty()
            : Optional.of(policy.toManifestPolicy());
    if (!old.policy().equals(wanted)) {
      return "with the access policy " + old.policy().map(Object::toString).orElse("(none)");
    }
    return null;
  }

  private static List<SourceFile> listFiles(Path root) throws IOException {
    List<SourceFile> out = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
        if (!Files.isRegularFile(p)) {
          continue;
        }
        String relative =
            root.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
        Optional<String> problem = ShardPaths.problem(relative);
        if (problem.isPresent()) {
          throw new IllegalArgumentException("cannot publish '" + p + "': " + problem.get());
        }
        out.add(new SourceFile(p, relative, Files.size(p)));
      }
    }
    out.sort(java.util.Comparator.comparing(SourceFile::relative));
    return out;
  }

  private record SourceFile(Path path, String relative, long size) {}

  /** Told how far a publication has come: a phase, bytes done and bytes in all. */
  @FunctionalInterface
  public interface ProgressListener {
    ProgressListener NONE = (phase, done, total) -> {};

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
    private int chunkSize = DEFAULT_CHUNK_SIZE;
    private String owner = System.getProperty("user.name", "");
    private String classification = "unclassified";
    private final Map<String, String> tags = new TreeMap<>();
    private Clock clock = Clock.systemUTC();
    private ProgressListener progress = ProgressListener.NONE;

    private Builder() {}

    public Builder tier(StorageTier tier) {
      tiers.add(Objects.requireNonNull(tier, "tier"));
      return this;
    }

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

    /** Bytes per verified chunk (default 1 MiB, at most 4 MiB). */
    public Builder chunkSize(int bytes) {
      this.chunkSize = bytes;
      return this;
    }

    public Builder owner(String owner) {
      this.owner = Objects.requireNonNull(owner, "owner");
      return this;
    }

    public Builder classification(String label) {
      this.classification = Objects.requireNonNull(label, "classification");
      return this;
    }

    public Builder tag(String key, String value) {
      tags.put(key, value);
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public Builder progress(ProgressListener listener) {
      this.progress = Objects.requireNonNull(listener, "progress");
      return this;
    }

    public DatasetPublisher build() {
      return new DatasetPublisher(this);
    }
  }
}
