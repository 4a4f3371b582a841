package io.btfshybrid.api;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * One place that stores bytes: a replica directory, an S3 bucket, a BTFS node. Tiers are untrusted;
 * every byte they return is verified by the caller against the manifest.
 *
 * <p>Implementations must be thread-safe. A read of an object the tier does not hold throws {@link
 * ObjectNotFoundException}.
 */
public interface StorageTier extends Closeable {
  /** Unique within a client, e.g. {@code "mirror-eu"}. */
  String id();

  /** REPLICA, CLOUD or BTFS: the default fallback order. */
  TierKind kind();

  /** The region the tier lives in, when it has one; replicas in the client's region go first. */
  default Optional<String> region() {
    return Optional.empty();
  }

  /**
   * Opens {@code length} bytes of the object at {@code where}, starting at {@code offset} ({@code
   * length == -1}: to the end). The stream may end early or carry wrong bytes; callers verify.
   */
  InputStream read(Locator where, long offset, long length) throws IOException;

  /** Stores exactly {@code size} bytes under {@code key}, returning where they landed. */
  Locator write(String key, InputStream bytes, long size) throws IOException;

  /**
   * Stores exactly {@code size} bytes under {@code key} only when nothing is stored there yet, and
   * throws {@link ObjectExistsException} otherwise: of two concurrent writers exactly one wins.
   * Tiers that can, create atomically (a new file linked into place, S3's {@code If-None-Match:
   * *}); content-addressed tiers (BTFS) simply write. The default checks, then writes, which is not
   * atomic; every tier in this project overrides it.
   */
  default Locator writeNew(String key, InputStream bytes, long size) throws IOException {
    Optional<Locator> at = locate(key);
    if (at.isPresent() && stat(at.get()).isPresent()) {
      throw new ObjectExistsException(at.get());
    }
    return write(key, bytes, size);
  }

  /** Size and metadata of the object at {@code where}, or empty when the tier does not hold it. */
  Optional<ObjectInfo> stat(Locator where) throws IOException;

  /**
   * Removes the object at {@code where} (BTFS: unpins it). Removing a missing object is a no-op.
   */
  void delete(Locator where) throws IOException;

  /**
   * The locator a {@link #write} under {@code key} would return, for tiers addressed by key (files,
   * S3); empty for content-addressed tiers (BTFS), where only the content names it.
   */
  default Optional<Locator> locate(String key) {
    return Optional.empty();
  }

  /**
   * What the tier holds under keys starting with {@code prefix} ({@code ""}: everything), as one
   * {@link ObjectInfo} per object (its locator, size and, where known, modification time), in key
   * order. A content-addressed tier (BTFS) keeps no keys: it lists every object it holds pinned,
   * whatever the prefix, and callers identify objects by what they read. Listings are bounded (a
   * tier refuses an endless or oversized listing with a {@link HybridStorageException}) and are
   * hints like locators: what they name is verified when read.
   *
   * @throws UnsupportedListingException when the tier cannot list (the default)
   */
  default List<ObjectInfo> list(String prefix) throws IOException {
    throw new UnsupportedListingException(id());
  }

  @Override
  default void close() throws IOException {}
}
