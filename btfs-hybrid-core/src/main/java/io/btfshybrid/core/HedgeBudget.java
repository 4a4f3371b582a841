package io.btfshybrid.core;

import com.google.common.base.Preconditions;

/**
 * A client's allowance of duplicate bytes for hedged reads: the duplicate bytes spent and reserved
 * stay within {@code fraction} of the bytes the tiers served verified so far. A hedge is never
 * refused for want of room: it is granted what room there is, up to its chunk, possibly nothing,
 * and its race lets the two requests read the same bytes only up to that grant (a hedge of a
 * request that sent no byte duplicates nothing, so it needs no room; at most the one byte it had
 * asked for may arrive late). When the race is over, the bytes both requests read are spent and the
 * rest of the grant returned.
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

  /**
   * Starts a hedge that may duplicate up to {@code bytes}: reserves and returns as many of them as
   * the allowance has room for (0 when it has none).
   */
  synchronized long reserveUpTo(long bytes) {
    Preconditions.checkArgument(bytes >= 0, "hedge reservation must be >= 0 bytes, was %s", bytes);
    long room = (long) Math.floor(fraction * served) - spent - reserved;
    long granted = Math.max(0, Math.min(bytes, room));
    reserved += granted;
    hedges++;
    return granted;
  }

  /**
   * Ends a grant of {@code granted} bytes of which {@code duplicates} were read twice (all of them
   * spent, even the one byte past the grant a stalled request's first byte may add).
   */
  synchronized void settle(long granted, long duplicates) {
    reserved -= granted;
    spent += Math.max(0, duplicates);
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
