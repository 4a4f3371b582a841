package io.btfshybrid.core;

import io.btfshybrid.api.DatasetManifest;
import io.btfshybrid.api.Locator;
import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of publishing a release (or a new manifest revision): the address clients open
 * ({@link #manifestUri()}, pinned to the manifest hash), the dataset's signed latest pointer
 * ({@link #latestUri()}, {@code btfs-hybrid://manifests/<dataset>/latest.json}), where the signed
 * manifest was stored, and what was uploaded or reused. Built with {@link #builder}.
 */
public final class PublishResult {
  private final URI manifestUri;
  private final String manifestHash;
  private final DatasetManifest manifest;
  private final List<Locator> manifestLocations;
  private final long bytesUploaded;
  private final int objectsUploaded;
  private final int objectsReused;
  private final boolean alreadyPublished;
  private final URI latestUri;

  private PublishResult(Builder b) {
    this.manifestUri = Objects.requireNonNull(b.manifestUri, "manifestUri");
    this.manifestHash = Objects.requireNonNull(b.manifestHash, "manifestHash");
    this.manifest = Objects.requireNonNull(b.manifest, "manifest");
    this.manifestLocations = List.copyOf(b.manifestLocations);
    this.bytesUploaded = b.bytesUploaded;
    this.objectsUploaded = b.objectsUploaded;
    this.objectsReused = b.objectsReused;
    this.alreadyPublished = b.alreadyPublished;
    this.latestUri =
        b.latestUri != null ? b.latestUri : ManifestUris.latestUri(manifest.datasetId());
  }

  /** A builder: manifest URI, hash and manifest are required; counts default to zero. */
  public static Builder builder() {
    return new Builder();
  }

  /** The address clients open, pinned to the manifest hash. */
  public URI manifestUri() {
    return manifestUri;
  }

  /** SHA-256 (hex) of the signed manifest payload. */
  public String manifestHash() {
    return manifestHash;
  }

  /** The published (or already published) manifest. */
  public DatasetManifest manifest() {
    return manifest;
  }

  /** Where the signed manifest is stored, one locator per tier. */
  public List<Locator> manifestLocations() {
    return manifestLocations;
  }

  /** Bytes uploaded by this publication (0 when everything was reused). */
  public long bytesUploaded() {
    return bytesUploaded;
  }

  /** Objects uploaded, counted once per tier. */
  public int objectsUploaded() {
    return objectsUploaded;
  }

  /** Intact objects reused, counted once per tier. */
  public int objectsReused() {
    return objectsReused;
  }

  /** True when the same release was already published (nothing was written). */
  public boolean alreadyPublished() {
    return alreadyPublished;
  }

  /** The dataset's signed latest pointer address. */
  public URI latestUri() {
    return latestUri;
  }

  /** Equal when every field is equal. */
  @Override
  public boolean equals(Object o) {
    return o instanceof PublishResult r
        && manifestUri.equals(r.manifestUri)
        && manifestHash.equals(r.manifestHash)
        && manifest.equals(r.manifest)
        && manifestLocations.equals(r.manifestLocations)
        && bytesUploaded == r.bytesUploaded
        && objectsUploaded == r.objectsUploaded
        && objectsReused == r.objectsReused
        && alreadyPublished == r.alreadyPublished
        && latestUri.equals(r.latestUri);
  }

  /** Hash of every field. */
  @Override
  public int hashCode() {
    return Objects.hash(
        manifestUri,
        manifestHash,
        manifest,
        manifestLocations,
        bytesUploaded,
        objectsUploaded,
        objectsReused,
        alreadyPublished,
        latestUri);
  }

  /** The addresses and counts, for logs. */
  @Override
  public String toString() {
    return "PublishResult[manifestUri="
        + manifestUri
        + ", bytesUploaded="
        + bytesUploaded
        + ", objectsUploaded="
        + objectsUploaded
        + ", objectsReused="
        + objectsReused
        + ", alreadyPublished="
        + alreadyPublished
        + ", latestUri="
        + latestUri
        + "]";
  }

  /** Assembles a {@link PublishResult} field by field. */
  public static final class Builder {
    private URI manifestUri;
    private String manifestHash;
    private DatasetManifest manifest;
    private List<Locator> manifestLocations = List.of();
    private long bytesUploaded;
    private int objectsUploaded;
    private int objectsReused;
    private boolean alreadyPublished;
    private URI latestUri;

    private Builder() {}

    /** The pinned address clients open (required). */
    public Builder manifestUri(URI uri) {
      this.manifestUri = uri;
      return this;
    }

    /** SHA-256 of the signed manifest payload (required). */
    public Builder manifestHash(String sha256) {
      this.manifestHash = sha256;
      return this;
    }

    /** The manifest (required). */
    public Builder manifest(DatasetManifest manifest) {
      this.manifest = manifest;
      return this;
    }

    /** Where the manifest is stored (default none). */
    public Builder manifestLocations(List<Locator> locations) {
      this.manifestLocations = Objects.requireNonNull(locations, "manifestLocations");
      return this;
    }

    /** Bytes uploaded (default 0). */
    public Builder bytesUploaded(long bytes) {
      this.bytesUploaded = bytes;
      return this;
    }

    /** Objects uploaded (default 0). */
    public Builder objectsUploaded(int count) {
      this.objectsUploaded = count;
      return this;
    }

    /** Objects reused (default 0). */
    public Builder objectsReused(int count) {
      this.objectsReused = count;
      return this;
    }

    /** Whether the release was already published (default false). */
    public Builder alreadyPublished(boolean already) {
      this.alreadyPublished = already;
      return this;
    }

    /** The latest pointer address (default: derived from the manifest's dataset id). */
    public Builder latestUri(URI uri) {
      this.latestUri = uri;
      return this;
    }

    /** The result. */
    public PublishResult build() {
      return new PublishResult(this);
    }
  }
}
