package io.btfshybrid.core;

import io.btfshybrid.api.DatasetManifest;
import io.btfshybrid.api.Locator;
import java.net.URI;
import java.util.List;

/**
 * The outcome of publishing a release: the address clients open ({@link #manifestUri()}, pinned
 * to the manifest hash), where the signed manifest was stored, and what was uploaded or reused.
 */
public record PublishResult(
    URI manifestUri,
    String manifestHash,
    DatasetManifest manifest,
    List<Locator> manifestLocations,
    long bytesUploaded,
    int objectsUploaded,
    int objectsReused,
    boolean alreadyPublished) {
  public PublishResult {
    manifestLocations = List.copyOf(manifestLocations);
  }
}
