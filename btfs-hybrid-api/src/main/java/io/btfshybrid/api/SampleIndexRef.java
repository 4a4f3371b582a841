package io.btfshybrid.api;

import java.util.Objects;

/**
 * The content-addressed index blob of a shard's samples: its SHA-256 (lower-case hex) and size. The
 * blob is stored like a shard on every tier, and the manifest's signature covers it through this
 * hash.
 */
public record SampleIndexRef(String sha256, long size) {
  public SampleIndexRef {
    Objects.requireNonNull(sha256, "sha256");
    if (!sha256.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("index blob hash '" + sha256 + "' is not a SHA-256");
    }
    if (size < 0) {
      throw new IllegalArgumentException("index blob size " + size + " is negative");
    }
  }
}
