package io.btfshybrid.core;

import java.time.Duration;

/**
 * A provider's scorecard: what one source (a tier, or {@code "cache"}) delivered and how well —
 * verified bytes and chunks, failures by kind, time to first byte and per-chunk latency as
 * p50/p95/p99, and transfer throughput. A client with a health state directory keeps it across runs
 * ({@link ProviderScorecard#load}); a drill reports one per tier for its reads only.
 *
 * @param tierId the tier id, or {@code "cache"}
 * @param bytes verified bytes the source delivered
 * @param chunks verified chunks the source delivered
 * @param errors failures other than wrong bytes (stalls included)
 * @param integrityFailures chunks whose bytes did not match their hash
 * @param stalls reads abandoned because the source made no progress within the stall timeout
 * @param firstByte from asking the source for a range until its first byte arrived
 * @param chunkLatency the time to deliver one chunk of an open read
 * @param bytesPerSecond verified bytes per second of time spent receiving chunks (0 when none)
 * @param healthy whether reads currently rank the source among the healthy ones
 */
public record TierScorecard(
    String tierId,
    long bytes,
    long chunks,
    long errors,
    long integrityFailures,
    long stalls,
    Latency firstByte,
    Latency chunkLatency,
    double bytesPerSecond,
    boolean healthy) {

  /** Failed chunk attempts (errors and wrong bytes) out of all attempts; 0 when none. */
  public double failureRate() {
    long failures = errors + integrityFailures;
    long attempts = chunks + failures;
    return attempts == 0 ? 0 : (double) failures / attempts;
  }

  /**
   * A latency distribution's size and quantiles (each within about 6%); all zero without samples.
   *
   * @param samples how many were measured (older runs age out, see the state directory)
   * @param p50 the median
   * @param p95 the 95th percentile
   * @param p99 the 99th percentile
   */
  public record Latency(long samples, Duration p50, Duration p95, Duration p99) {
    /** No samples. */
    public static final Latency NONE = new Latency(0, Duration.ZERO, Duration.ZERO, Duration.ZERO);

    static Latency of(LatencyHistogram h) {
      long n = h.count();
      if (n == 0) {
        return NONE;
      }
      return new Latency(
          n,
          h.quantile(0.50).orElseThrow(),
          h.quantile(0.95).orElseThrow(),
          h.quantile(0.99).orElseThrow());
    }
  }
}
