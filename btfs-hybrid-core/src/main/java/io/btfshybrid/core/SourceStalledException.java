package io.btfshybrid.core;

import io.btfshybrid.api.HybridStorageException;
import java.time.Duration;

/**
 * A source made no progress within the client's stall timeout (opening a stream, or delivering a
 * chunk) and was abandoned; the read moved on to the next source for that chunk.
 */
public final class SourceStalledException extends HybridStorageException {
  private static final long serialVersionUID = 1L;
  private final String tierId;

  SourceStalledException(String tierId, String what, Duration stall, Throwable cause) {
    super("source '" + tierId + "' stalled: " + what + " made no progress within " + stall, cause);
    this.tierId = tierId;
  }

  /** The tier (or {@code "cache"}) that stalled. */
  public String tierId() {
    return tierId;
  }
}
