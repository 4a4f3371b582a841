package io.btfshybrid.core;

import com.google.common.base.Preconditions;

/**
 * A client's allowance of duplicate bytes for hedged reads: a hedge may start only while the
 * duplicate bytes spent and reserved, plus its own chunk, stay within {@code fraction} of the bytes
 * the tiers served verified so far. A started hedge reserves its chunk; when the race is over, the
 * bytes the losing request actually read are spent and the rest of the reservation returned.
 */
final class HedgeBudget {
  /** Duplicate bytes allowed, as a fraction of verified bytes served, unless configured. */
  static final double DEFAULT_FRACTION = 0.05;

  private final double fraction;
  private long served;
  private long spent;
  private long reserved;
  private long hedges;

  HedgeBudget(double fraction) {
    Preconditions.checkArgument(
        fraction >= 0 && fraction <= 1, "hedgeBudget must be within [0, 1], was %s", fraction);
    this.fraction = fraction;
  }

  /** Verified bytes a tier served (the base the allowance grows with). */
  synchronized void served(long bytes) {
    served += bytes;
  }

  /** Reserves {@code bytes} for a hedge if the allowance has room for them. */
  synchronized boolean tryReserve(long bytes) {
    if (spent + reserved + bytes > fraction * served) {
      return false;
    }
    reserved += bytes;
    hedges++;
    return true;
  }

  /** Ends a reservation of {@code bytes} of which {@code duplicates} were read in vain. */
  synchronized void settle(long bytes, long duplicates) {
    reserved -= bytes;
    spent += Math.min(bytes, Math.max(0, duplicates));
  }

  /** Duplicate bytes read so far by hedges and the requests they raced. */
  synchronized long duplicateBytes() {
    return spent;
  }

  /** Hedged requests started so far. */
  synchronized long hedges() {
    return hedges;
  }

  /** Verified bytes served so far (the allowance's base). */
  synchronized long servedBytes() {
    return served;
  }
}
