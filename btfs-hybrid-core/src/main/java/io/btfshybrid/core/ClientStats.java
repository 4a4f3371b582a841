package io.btfshybrid.core;

import java.util.List;

/**
 * What a client's reads did so far: per source (tiers and {@code "cache"}) bytes served and
 * failures counted, cache hits, cache fills (objects fetched into the cache) and cache errors
 * (fills the cache could not write, served uncached instead).
 *
 * @param sources per-source stats, sorted by id
 * @param cacheHits reads served from a cached copy
 * @param cacheFills objects fetched into the cache
 * @param cacheErrors fills that failed on the cache's side (disk full, read-only) and fell back
 */
public record ClientStats(
    List<TierStats> sources, long cacheHits, long cacheFills, long cacheErrors) {
  /** Copies the list of sources. */
  public ClientStats {
    sources = List.copyOf(sources);
  }

  /** Stats without a cache error count (zero errors). */
  public ClientStats(List<TierStats> sources, long cacheHits, long cacheFills) {
    this(sources, cacheHits, cacheFills, 0);
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
