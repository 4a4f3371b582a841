package io.btfshybrid.core;

import io.btfshybrid.api.Locator;
import io.btfshybrid.api.StorageTier;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.util.Optional;

/** Somewhere the stored bytes of one shard can be read from: a tier's copy or the disk cache. */
interface ChunkSource {
  /** The tier id (or {@code "cache"}) failures and bytes are counted against. */
  String id();

  /** Opens stored bytes [offset, offset + length); the stream may lie, end early or run long. */
  InputStream open(long offset, long length) throws IOException;

  /**
   * A local file holding these stored bytes (at the same offsets) to read chunks from by position,
   * several at once; empty for a source that only streams. The caller closes it.
   */
  default Optional<FileChannel> openChannel() throws IOException {
    return Optional.empty();
  }

  /** Told that this source served bytes that did not match; the cache drops its copy. */
  default void corrupted() {}

  /** A planned source's copy. */
  static ChunkSource of(PlannedSource planned) {
    return of(planned.tier(), planned.locator());
  }

  /** The bytes at {@code where} on {@code tier}. */
  static ChunkSource of(StorageTier tier, Locator where) {
    return new ChunkSource() {
      @Override
      public String id() {
        return tier.id();
      }

      @Override
      public InputStream open(long offset, long length) throws IOException {
        return tier.read(where, offset, length);
      }

      @Override
      public Optional<FileChannel> openChannel() throws IOException {
        return tier instanceof FileTier files
            ? Optional.of(files.channel(where))
            : Optional.empty();
      }

      @Override
      public String toString() {
        return where.toString();
      }
    };
  }
}
