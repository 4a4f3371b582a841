package io.btfshybrid.api;

import java.util.Objects;

/**
 * How a release's shards were encrypted: the streaming AEAD scheme and segment size, and the
 * release's data key wrapped by the key-encryption key {@code kekId}.
 */
public record EncryptionInfo(String scheme, int segmentSize, String kekId, String wrappedKey) {
  /** Validates the parts. */
  public EncryptionInfo {
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(kekId, "kekId");
    Objects.requireNonNull(wrappedKey, "wrappedKey");
    if (segmentSize <= 0) {
      throw new IllegalArgumentException("segment size must be positive, was " + segmentSize);
    }
  }
}
