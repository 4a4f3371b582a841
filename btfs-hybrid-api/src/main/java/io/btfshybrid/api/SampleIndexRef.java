package io.btfshybrid.api;

import java.util.List;
import java.util.Objects;

/**
 * The content-addressed index blob of a shard's samples: its SHA-256 (lower-case hex), its size and
 * where it was stored (hints, as for shards: content-addressed tiers such as BTFS need them). The
 * blob is stored like a shard on every tier, and the manifest's signature covers it through this
 * hash.
 */
public record SampleIndexRef(String sha256, long size, List<LocationHint> locations) {
  public SampleIndexRef {
    Objects.requireNonNull(sha256, "sha256");
    locations = List.copyOf(locations);
    if (!sha256.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("index blob hash '" + sha256 + "' is not a SHA-256");
    }
    if (size < 0) {
      throw new IllegalArgumentException("index blob size " + size + " is negative");
    }
  }

  /** A reference without location hints (key-addressed tiers find it by its hash). */
  public SampleIndexRef(String sha256, long size) {
    this(sha256, size, List.of());
  }

  /** This reference with other location hints (hints are not part of the content). */
  public SampleIndexRef withLocations(List<LocationHint> newLocations) {
    return new SampleIndexRef(sha256, size, newLocations);
  }
}
