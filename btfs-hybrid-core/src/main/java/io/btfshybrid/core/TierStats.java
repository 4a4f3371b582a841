package io.btfshybrid.core;

/**
 * What one source (a tier, or {@code "cache"}) did for a client: bytes it served after
 * verification, errors and integrity failures counted against it, how many of those errors were
 * stalls (no progress within the stall timeout, so the source was abandoned), its recent latency
 * and whether it is currently considered healthy.
 *
 * @param tierId the tier id, or {@code "cache"}
 * @param bytesServed verified bytes this source delivered
 * @param chunksServed verified chunks this source delivered
 * @param errors failures other than wrong bytes (stalls included)
 * @param integrityFailures chunks whose bytes did not match their hash
 * @param latencyMillis moving average of the time to deliver a chunk
 * @param healthy whether plans currently rank this source among the healthy ones
 * @param stalls reads abandoned because the source made no progress within the stall timeout
 */
public record TierStats(
    String tierId,
    long bytesServed,
    long chunksServed,
    long errors,
    long integrityFailures,
    double latencyMillis,
    boolean healthy,
    long stalls) {
  /** Stats without a stall count (zero stalls). */
  public TierStats(
      String tierId,
      long bytesServed,
      long chunksServed,
      long errors,
      long integrityFailures,
      double latencyMillis,
      boolean healthy) {
    this(tierId, bytesServed, chunksServed, errors, integrityFailures, latencyMillis, healthy, 0);
  }
}
