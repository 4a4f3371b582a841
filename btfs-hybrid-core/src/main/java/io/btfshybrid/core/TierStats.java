package io.btfshybrid.core;

/**
 * What one source (a tier, or {@code "cache"}) did for a client: bytes it served after
 * verification, errors and integrity failures counted against it, its recent latency and whether it
 * is currently considered healthy.
 */
public record TierStats(
    String tierId,
    long bytesServed,
    long chunksServed,
    long errors,
    long integrityFailures,
    double latencyMillis,
    boolean healthy) {}
