package io.btfshybrid.core;

import java.io.IOException;
import java.io.InputStream;

/** Somewhere the stored bytes of one shard can be read from: a tier's copy or the disk cache. */
interface ChunkSource {
  /** The tier id (or {@code "cache"}) failures and bytes are counted against. */
  String id();

  /** Opens stored bytes [offset, offset + length); the stream may lie, end early or run long. */
  InputStream open(long offset, long length) throws IOException;

  /** Told that this source served bytes that did not match; the cache drops its copy. */
  default void corrupted() {}

  static ChunkSource of(PlannedSource planned) {
    return new ChunkSource() {
      @Override
      public String id() {
        return planned.tierId();
      }

      @Override
      public InputStream open(long offset, long length) throws IOException {
        return planned.tier().read(planned.locator(), offset, length);
      }

      @Override
      public String toString() {
        return planned.locator().toString();
      }
    };
  }
}
