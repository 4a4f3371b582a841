package io.btfshybrid.core;

import io.btfshybrid.api.HybridStorageException;
import java.io.IOException;
import java.io.InputStream;

/** Reads a small document whole, but never more than a limit: against endless or huge replies. */
final class BoundedReads {
  private BoundedReads() {}

  /**
   * Every byte of {@code in} (which is closed), or {@link TooLargeException} naming {@code what}
   * and {@code limit} when it holds more than {@code limit} bytes; at most {@code limit + 1} bytes
   * are ever read.
   */
  static byte[] readAtMost(InputStream in, int limit, String what) throws IOException {
    if (limit < 0 || limit == Integer.MAX_VALUE) {
      throw new IllegalArgumentException("limit must be in 0..Integer.MAX_VALUE - 1: " + limit);
    }
    try (in) {
      byte[] bytes = in.readNBytes(limit + 1);
      if (bytes.length > limit) {
        throw new TooLargeException(what, limit);
      }
      return bytes;
    }
  }

  /** A document was larger than the limit of what may be read of it. */
  static final class TooLargeException extends HybridStorageException {
    private static final long serialVersionUID = 1L;

    private final int limit;

    TooLargeException(String what, int limit) {
      super(what + " is larger than the limit of " + limit + " bytes");
      this.limit = limit;
    }

    /** The limit that was exceeded, in bytes. */
    int limit() {
      return limit;
    }
  }
}
