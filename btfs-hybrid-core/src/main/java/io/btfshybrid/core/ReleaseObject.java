package io.btfshybrid.core;

import com.google.common.io.ByteSource;
import io.btfshybrid.api.LocationHint;
import java.util.List;
import java.util.Optional;

/**
 * One stored object of a release as the operations see it: a shard's stored bytes, an index blob, a
 * manifest revision or the latest pointer, with the content key it lives under on key-addressed
 * tiers, the hashes every copy must match (chunk by chunk; documents and index blobs as one chunk),
 * the location hints for content-addressed tiers, and, for signed documents, their verified bytes.
 *
 * @param name how reports name it: {@code shard <path>}, {@code index <path>}, {@code manifest
 *     r<n>}, {@code latest pointer}
 * @param kind what it is
 * @param key its key on key-addressed tiers
 * @param size stored size
 * @param chunkSize bytes per hashed chunk
 * @param chunkHashes SHA-256 (hex) of every chunk
 * @param hints where it was stored (content-addressed tiers need them)
 * @param content the verified bytes of a signed document, empty for shards and index blobs (and for
 *     a manifest revision no tier holds a verified copy of)
 */
record ReleaseObject(
    String name,
    Kind kind,
    String key,
    long size,
    long chunkSize,
    List<String> chunkHashes,
    List<LocationHint> hints,
    Optional<ByteSource> content) {

  /** The four kinds of stored objects. */
  enum Kind {
    SHARD,
    INDEX,
    MANIFEST,
    POINTER
  }

  ReleaseObject {
    chunkHashes = List.copyOf(chunkHashes);
    hints = List.copyOf(hints);
  }

  /** A signed document, whole, known by its verified bytes. */
  static ReleaseObject document(String name, Kind kind, String key, byte[] bytes) {
    return new ReleaseObject(
        name,
        kind,
        key,
        bytes.length,
        Math.max(1, bytes.length),
        List.of(Digests.sha256Hex(bytes)),
        List.of(),
        Optional.of(ByteSource.wrap(bytes.clone())));
  }

  /** Whether every copy can be checked: a document no tier verifiably holds cannot. */
  boolean checkable() {
    return kind == Kind.SHARD || kind == Kind.INDEX || content.isPresent();
  }
}
