package io.btfshybrid.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The entry point of a release: what {@code datasetId@version} contains (shards with sizes and
 * hashes), where copies were put (hints), who may read it and until when it is valid. A release may
 * have later {@code revision}s that keep its shards and only re-wrap its data key or renew its
 * expiry (see {@link #FIRST_REVISION}).
 */
public record DatasetManifest(
    int schemaVersion,
    String datasetId,
    String version,
    Instant createdAt,
    Optional<Instant> expiresAt,
    String owner,
    String classification,
    Map<String, String> tags,
    List<ShardEntry> shards,
    Optional<EncryptionInfo> encryption,
    Optional<ManifestPolicy> policy,
    int revision) {
  /** The schema version this library writes and reads. */
  public static final int SCHEMA_VERSION = 1;

  /**
   * The revision of a release's first manifest. A later revision of the same {@code
   * datasetId@version} (e.g. after a key rotation) lists exactly the same shards and only re-wraps
   * the data key or renews the expiry; its shards are never rewritten.
   */
  public static final int FIRST_REVISION = 1;

  /** Validates the parts and copies the collections (immutable). */
  public DatasetManifest {
    Objects.requireNonNull(datasetId, "datasetId");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(classification, "classification");
    Objects.requireNonNull(encryption, "encryption");
    Objects.requireNonNull(policy, "policy");
    tags = Map.copyOf(new TreeMap<>(tags));
    shards = List.copyOf(shards);
    if (revision < FIRST_REVISION) {
      throw new IllegalArgumentException("revision must be >= 1, was " + revision);
    }
  }

  /** A first-revision manifest (the constructor before revisions existed). */
  public DatasetManifest(
      int schemaVersion,
      String datasetId,
      String version,
      Instant createdAt,
      Optional<Instant> expiresAt,
      String owner,
      String classification,
      Map<String, String> tags,
      List<ShardEntry> shards,
      Optional<EncryptionInfo> encryption,
      Optional<ManifestPolicy> policy) {
    this(
        schemaVersion,
        datasetId,
        version,
        createdAt,
        expiresAt,
        owner,
        classification,
        tags,
        shards,
        encryption,
        policy,
        FIRST_REVISION);
  }

  /** The shard at {@code path}, if the release has one. */
  public Optional<ShardEntry> shard(String path) {
    return shards.stream().filter(s -> s.path().equals(path)).findFirst();
  }

  /** Total plaintext bytes in the release. */
  public long totalSize() {
    return shards.stream().mapToLong(ShardEntry::size).sum();
  }

  /** A builder for a new manifest. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with this manifest's fields. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.schemaVersion = schemaVersion;
    b.datasetId = datasetId;
    b.version = version;
    b.createdAt = createdAt;
    b.expiresAt = expiresAt.orElse(null);
    b.owner = owner;
    b.classification = classification;
    b.tags.putAll(tags);
    b.shards.addAll(shards);
    b.encryption = encryption.orElse(null);
    b.policy = policy.orElse(null);
    b.revision = revision;
    return b;
  }

  /** Assembles a {@link DatasetManifest}. */
  public static final class Builder {
    private int schemaVersion = SCHEMA_VERSION;
    private String datasetId;
    private String version;
    private Instant createdAt;
    private Instant expiresAt;
    private String owner = "";
    private String classification = "unclassified";
    private final Map<String, String> tags = new TreeMap<>();
    private final List<ShardEntry> shards = new ArrayList<>();
    private EncryptionInfo encryption;
    private ManifestPolicy policy;
    private int revision = FIRST_REVISION;

    private Builder() {}

    /** The schema version (default {@link #SCHEMA_VERSION}). */
    public Builder schemaVersion(int v) {
      this.schemaVersion = v;
      return this;
    }

    /** The dataset this release belongs to (required). */
    public Builder datasetId(String v) {
      this.datasetId = v;
      return this;
    }

    /** The release's version within its dataset (required). */
    public Builder version(String v) {
      this.version = v;
      return this;
    }

    /** When the release was published (required). */
    public Builder createdAt(Instant v) {
      this.createdAt = v;
      return this;
    }

    /** When clients stop accepting this manifest (optional). */
    public Builder expiresAt(Instant v) {
      this.expiresAt = v;
      return this;
    }

    /** Who owns the release (required). */
    public Builder owner(String v) {
      this.owner = v;
      return this;
    }

    /** The release's classification label (required). */
    public Builder classification(String v) {
      this.classification = v;
      return this;
    }

    /** Adds one free-form tag. */
    public Builder tag(String key, String value) {
      this.tags.put(key, value);
      return this;
    }

    /** Replaces every tag. */
    public Builder tags(Map<String, String> v) {
      this.tags.clear();
      this.tags.putAll(v);
      return this;
    }

    /** Adds one shard. */
    public Builder shard(ShardEntry v) {
      this.shards.add(v);
      return this;
    }

    /** Replaces every shard. */
    public Builder shards(List<ShardEntry> v) {
      this.shards.clear();
      this.shards.addAll(v);
      return this;
    }

    /** Marks the release encrypted with this wrapped data key (optional). */
    public Builder encryption(EncryptionInfo v) {
      this.encryption = v;
      return this;
    }

    /** Restricts the release to these principals and groups (optional). */
    public Builder policy(ManifestPolicy v) {
      this.policy = v;
      return this;
    }

    /** The manifest revision of this release (default 1). */
    public Builder revision(int v) {
      this.revision = v;
      return this;
    }

    /** The manifest, validated. */
    public DatasetManifest build() {
      return new DatasetManifest(
          schemaVersion,
          datasetId,
          version,
          createdAt == null ? Instant.now() : createdAt,
          Optional.ofNullable(expiresAt),
          owner,
          classification,
          tags,
          shards,
          Optional.ofNullable(encryption),
          Optional.ofNullable(policy),
          revision);
    }
  }
}
