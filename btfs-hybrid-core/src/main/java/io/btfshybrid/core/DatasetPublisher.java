package io.btfshybrid.core;

import com.google.common.base.Preconditions;
import io.btfshybrid.api.DatasetManifest;
import io.btfshybrid.api.HybridStorageException;
import io.btfshybrid.api.LocationHint;
import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ManifestRejectedException;
import io.btfshybrid.api.ObjectInfo;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.StorageTier;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
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
 * are shared between versions), and the signed manifest is stored last, so a failed publication
 * never leaves a release that looks complete.
 */
public final class DatasetPublisher {
  private static final Logger LOG = LoggerFactory.getLogger(DatasetPublisher.class);
  /** Default chunk size: the unit of verification and of ranged reads. */
  public static final int DEFAULT_CHUNK_SIZE = 1 << 20;

  private final List<StorageTier> tiers;
  private final ManifestSigner signer;
  private final int chunkSize;
  private final String owner;
  private final String classification;
  private final Map<String, String> tags;
  private final Clock clock;
  private final ProgressListener progress;

  private DatasetPublisher(Builder b) {
    Preconditions.checkArgument(!b.tiers.isEmpty(), "DatasetPublisher needs at least one tier");
    Preconditions.checkArgument(b.signer != null, "DatasetPublisher needs a signer (signer(..))");
    Preconditions.checkArgument(
        b.chunkSize > 0 && b.chunkSize <= ShardEntry.MAX_CHUNK_SIZE,
        "chunk size %s is outside 1..%s", b.chunkSize, ShardEntry.MAX_CHUNK_SIZE);
    this.tiers = List.copyOf(b.tiers);
    this.signer = b.signer;
    this.chunkSize = b.chunkSize;
    this.owner = b.owner;
    this.classification = b.classification;
    this.tags = new TreeMap<>(b.tags);
    this.clock = b.clock;
    this.progress = b.progress;
  }

  /** A builder: tiers and a signer are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Publishes every regular file under {@code sourceDir} as {@code datasetId@version}.
   * Publishing the same content again is a no-op; different content under a published version is
   * refused with {@link ReleaseConflictException}.
   */
  public PublishResult publish(Path sourceDir, String datasetId, String version) throws IOException {
    ShardPaths.checkName("dataset id", datasetId);
    ShardPaths.checkName("version", version);
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
    Optional<PublishResult> existing = existingRelease(manifestKey, datasetId, version, digests, files);
    if (existing.isPresent()) {
      return existing.get();
    }

    DatasetManifest.Builder manifest =
        DatasetManifest.builder()
            .datasetId(datasetId)
            .version(version)
            .createdAt(clock.instant().truncatedTo(ChronoUnit.SECONDS))
            .owner(owner)
            .classification(classification)
            .tags(tags);
    long uploaded = 0;
    int objectsUploaded = 0;
    int objectsReused = 0;
    long done = 0;
    for (int i = 0; i < files.size(); i++) {
      SourceFile file = files.get(i);
      ShardDigest digest = digests.get(i);
      String key = "blobs/" + digest.sha256();
      List<LocationHint> hints = new ArrayList<>();
      for (StorageTier tier : tiers) {
        Optional<Locator> reusable = reusable(tier, key, file.size());
        Locator where;
        if (reusable.isPresent()) {
          where = reusable.get();
          objectsReused++;
        } else {
          try {
            where = upload(tier, key, file, digest.sha256());
          } catch (IOException e) {
            throw new HybridStorageException(
                "publishing " + datasetId + "@" + version + ": tier '" + tier.id()
                    + "' failed to store '" + file.relative() + "': " + e.getMessage(), e);
          }
          uploaded += file.size();
          objectsUploaded++;
        }
        hints.add(new LocationHint(tier.id(), tier.kind(), tier.region(), where.uri()));
      }
      manifest.shard(
          new ShardEntry(
              file.relative(), file.size(), digest.sha256(), file.size(), digest.sha256(),
              chunkSize, digest.chunkHashes(), hints));
      done += file.size();
      progress.progress("upload", done, total);
    }
    DatasetManifest built = manifest.build();
    byte[] payload = ManifestCodec.toCanonicalJson(built);
    SignedEnvelope envelope = signer.envelope(SignedEnvelope.MANIFEST_TYPE, payload);
    byte[] document = envelope.toJson();
    List<Locator> stored = new ArrayList<>();
    for (StorageTier tier : tiers) {
      stored.add(tier.write(manifestKey, new java.io.ByteArrayInputStream(document), document.length));
    }
    String hash = envelope.payloadSha256();
    LOG.info("published {}@{}: {} shards, {} bytes uploaded, manifest {}",
        datasetId, version, files.size(), uploaded, hash);
    return new PublishResult(
        ManifestUris.releaseUri(datasetId, version, hash), hash, built, stored, uploaded,
        objectsUploaded, objectsReused, false);
  }

  /**
   * Stores one file and checks the bytes that went out are the bytes that were hashed; a file
   * changed during publication is removed from the tier again and reported.
   */
  private static Locator upload(StorageTier tier, String key, SourceFile file, String sha256)
      throws IOException {
    Locator where;
    com.google.common.hash.HashingInputStream in =
        new com.google.common.hash.HashingInputStream(
            com.google.common.hash.Hashing.sha256(), Files.newInputStream(file.path()));
    try (in) {
      where = tier.write(key, in, file.size());
    }
    if (!in.hash().toString().equals(sha256)) {
      tier.delete(where);
      throw new HybridStorageException(
          "'" + file.relative() + "' changed while it was being published; publish again");
    }
    return where;
  }

  /** A copy already stored under the content-addressed key with the right size is reused. */
  private static Optional<Locator> reusable(StorageTier tier, String key, long size) throws IOException {
    Optional<Locator> loc = tier.locate(key);
    if (loc.isEmpty()) {
      return Optional.empty();
    }
    Optional<ObjectInfo> info = tier.stat(loc.get());
    return info.filter(i -> i.size() == size).map(i -> loc.get());
  }

  /** The release already stored under this version, if any; refused when its content differs. */
  private Optional<PublishResult> existingRelease(
      String key, String datasetId, String version, List<ShardDigest> digests, List<SourceFile> files)
      throws IOException {
    for (StorageTier tier : tiers) {
      Optional<Locator> loc = tier.locate(key);
      if (loc.isEmpty() || tier.stat(loc.get()).isEmpty()) {
        continue;
      }
      byte[] bytes;
      try (InputStream in = tier.read(loc.get(), 0, -1)) {
        bytes = in.readNBytes(ManifestCodec.MAX_MANIFEST_BYTES + 1);
      }
      DatasetManifest old;
      try {
        old = ManifestCodec.parse(SignedEnvelope.parse(bytes, SignedEnvelope.MANIFEST_TYPE).payload());
      } catch (ManifestRejectedException e) {
        throw new ReleaseConflictException(
            datasetId + "@" + version + " already exists on tier '" + tier.id()
                + "' but its manifest is unreadable (" + e.getMessage() + "); refusing to overwrite");
      }
      Map<String, String> oldContent =
          old.shards().stream().collect(Collectors.toMap(ShardEntry::path, s -> s.size() + ":" + s.sha256()));
      Map<String, String> newContent = new java.util.HashMap<>();
      for (int i = 0; i < files.size(); i++) {
        newContent.put(files.get(i).relative(), files.get(i).size() + ":" + digests.get(i).sha256());
      }
      if (!oldContent.equals(newContent)) {
        throw new ReleaseConflictException(
            datasetId + "@" + version + " is already published with different content; "
                + "releases are immutable, publish a new version");
      }
      SignedEnvelope envelope = SignedEnvelope.parse(bytes, SignedEnvelope.MANIFEST_TYPE);
      String hash = envelope.payloadSha256();
      LOG.info("{}@{} is already published with the same content (manifest {})", datasetId, version, hash);
      return Optional.of(
          new PublishResult(
              ManifestUris.releaseUri(datasetId, version, hash), hash, old, List.of(loc.get()), 0, 0, 0, true));
    }
    return Optional.empty();
  }

  private static List<SourceFile> listFiles(Path root) throws IOException {
    List<SourceFile> out = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
        if (!Files.isRegularFile(p)) {
          continue;
        }
        String relative = root.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
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
    private ManifestSigner signer;
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

    public Builder signer(ManifestSigner signer) {
      this.signer = signer;
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
