package io.btfshybrid.core;

import io.btfshybrid.api.DatasetManifest;
import io.btfshybrid.api.Locator;
import java.net.URI;
import java.util.List;

/**
 * The outcome of publishing a release (or a new manifest revision): the address clients open
 * ({@link #manifestUri()}, pinned to the manifest hash), the dataset's signed latest pointer
 * ({@link #latestUri()}, {@code btfs-hybrid://manifests/<dataset>/latest.json}), where the signed
 * manifest was stored, and what was uploaded or reused.
 */
public record PublishResult(
    URI manifestUri,
    String manifestHash,
    DatasetManifest manifest,
    List<Locator> manifestLocations,
    long bytesUploaded,
    int objectsUploaded,
    int objectsReused,
    boolean alreadyPublished,
    URI latestUri) {
  public PublishResult {
    manifestLocations = List.copyOf(manifestLocations);
  }

  /** A result without a latest pointer address (derived from the dataset id). */
  public PublishResult(
      URI manifestUri,
      String manifestHash,
      DatasetManifest manifest,
      List<Locator> manifestLocations,
      long bytesUploaded,
      int objectsUploaded,
      int objectsReused,
      boolean alreadyPublished) {
    this(
        manifestUri,
        manifestHash,
        manifest,
        manifestLocations,
        bytesUploaded,
        objectsUploaded,
        objectsReused,
        alreadyPublished,
        ManifestUris.latestUri(manifest.datasetId()));
  }
}
