package io.btfshybrid.core;

import java.util.List;

/**
 * What a client's reads did so far: per source (tiers and {@code "cache"}) bytes served and
 * failures counted, cache hits and cache fills (objects fetched into the cache).
 */
public record ClientStats(List<TierStats> sources, long cacheHits, long cacheFills) {
  public ClientStats {
    sources = List.copyOf(sources);
  }

  /** The stats of one source, or zeros when it served nothing yet. */
  public TierStats source(String id) {
    return sources.stream()
        .filter(s -> s.tierId().equals(id))
        .findFirst()
        .orElse(new TierStats(id, 0, 0, 0, 0, 0, true));
  }

  /** Integrity failures caught across every source. */
  public long integrityFailures() {
    return sources.stream().mapToLong(TierStats::integrityFailures).sum();
  }
}
