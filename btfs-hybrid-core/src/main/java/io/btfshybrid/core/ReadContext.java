package io.btfshybrid.core;

import java.util.Optional;

/**
 * What the verified reads of one client share: the stall deadlines, the chunk verifiers, how many
 * bytes a sequential read may verify ahead of its reader, and hedging across tiers (when on).
 *
 * @param watchdog deadlines for every open and chunk read
 * @param hasher where chunks are verified
 * @param buffers the client's idle chunk buffers
 * @param readAheadBytes bytes a sequential stream verifies ahead of its reader (0: none)
 * @param hedging hedged requests across tiers, or empty when off
 */
record ReadContext(
    StallWatchdog watchdog,
    ChunkHasher hasher,
    ChunkBuffers buffers,
    long readAheadBytes,
    Optional<Hedging> hedging) {}
