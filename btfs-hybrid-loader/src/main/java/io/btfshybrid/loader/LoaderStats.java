package io.btfshybrid.loader;

import java.time.Duration;
import java.util.Map;

/**
 * What a loader did so far: samples and bytes delivered, bytes served per tier (and {@code
 * "cache"}), cache hits, integrity failures caught (and recovered from), the time from the first
 * iterator to its first batch, and the time the consumer waited on reads.
 */
public record LoaderStats(
    long samples,
    long bytes,
    Map<String, Long> bytesByTier,
    long cacheHits,
    long integrityFailures,
    Duration timeToFirstBatch,
    Duration stalledOnIo) {
  public LoaderStats {
    bytesByTier = Map.copyOf(bytesByTier);
  }
}
