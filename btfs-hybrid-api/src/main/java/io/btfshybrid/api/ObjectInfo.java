package io.btfshybrid.api;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** What a tier reports about one stored object: where it is, its size and when it was written. */
public record ObjectInfo(Locator locator, long size, Optional<Instant> lastModified) {
  /** Validates the parts. */
  public ObjectInfo {
    Objects.requireNonNull(locator, "locator");
    Objects.requireNonNull(lastModified, "lastModified");
    if (size < 0) {
      throw new IllegalArgumentException("size must be >= 0, was " + size);
    }
  }

  /** An object of {@code size} bytes at {@code locator} with no known modification time. */
  public ObjectInfo(Locator locator, long size) {
    this(locator, size, Optional.empty());
  }
}
