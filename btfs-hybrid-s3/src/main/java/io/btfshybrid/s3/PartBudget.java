package io.btfshybrid.s3;

/**
 * The bytes of parallel read parts one tier may hold at once (fetching or waiting for their
 * reader), across all its reads. A read that holds no part may always take one, so a read never
 * waits on another's memory: the bound is {@code limit} plus one part per concurrent read.
 */
final class PartBudget {
  private final long limit;
  private long used;

  PartBudget(long limit) {
    this.limit = limit;
  }

  /** Takes {@code bytes} when they fit, or when the caller holds nothing yet. */
  synchronized boolean tryTake(long bytes, boolean callerHoldsNone) {
    if (callerHoldsNone || used + bytes <= limit) {
      used += bytes;
      return true;
    }
    return false;
  }

  /** Gives back {@code bytes} taken before. */
  synchronized void give(long bytes) {
    used -= bytes;
  }

  /** Bytes held now (for tests and diagnostics). */
  synchronized long used() {
    return used;
  }
}
