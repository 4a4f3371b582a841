package io.btfshybrid.core;

import io.btfshybrid.api.ShardEntry;

/** The content-addressed keys stored bytes live under on every key-addressed tier. */
public final class BlobKeys {
  private BlobKeys() {}

  /** {@code blobs/<sha256>}: the key of bytes whose SHA-256 is {@code sha256} (lower-case hex). */
  public static String of(String sha256) {
    return "blobs/" + sha256;
  }

  /** The key of a shard's stored bytes (its ciphertext, for an encrypted release). */
  public static String of(ShardEntry shard) {
    return of(shard.storedSha256());
  }
}
