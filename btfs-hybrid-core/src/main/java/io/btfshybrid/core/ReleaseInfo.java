package io.btfshybrid.core;

import java.net.URI;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One published version of a dataset as the {@link Catalog} found it on the tiers: its verified
 * manifest's metadata (of its newest revision), where to open it, and whether the dataset's signed
 * latest pointer names it.
 *
 * @param dataset the dataset id
 * @param version the version
 * @param revision the newest manifest revision found (above 1 after a key rotation)
 * @param owner the owner recorded in the manifest
 * @param classification the classification label recorded in the manifest
 * @param size the plaintext bytes of every shard
 * @param created when the version was first published (its earliest revision's time)
 * @param expiry when the newest revision's manifest expires, if it does
 * @param manifestUri the pinned address of the newest revision: {@code
 *     btfs-hybrid://manifests/…?sha256=…}
 * @param manifestHash the SHA-256 of the newest revision's manifest
 * @param latest whether the dataset's latest pointer names this version
 */
public record ReleaseInfo(
    String dataset,
    String version,
    int revision,
    String owner,
    String classification,
    long size,
    Instant created,
    Optional<Instant> expiry,
    URI manifestUri,
    String manifestHash,
    boolean latest) {
  /** Validates the parts. */
  public ReleaseInfo {
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(classification, "classification");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(expiry, "expiry");
    Objects.requireNonNull(manifestUri, "manifestUri");
    Objects.requireNonNull(manifestHash, "manifestHash");
  }

  /** {@code dataset@version}. */
  public String release() {
    return dataset + "@" + version;
  }
}
