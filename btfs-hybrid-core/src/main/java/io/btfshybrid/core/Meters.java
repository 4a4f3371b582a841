package io.btfshybrid.core;

import io.btfshybrid.api.DatasetManifest;

/**
 * What the SDK counts for a Micrometer {@code MeterRegistry} (names and tags in the README, section
 * "Metrics"). Without a registry every call is a no-op ({@link #NONE}); with one, {@link
 * MicrometerMeters}, the only class that refers to Micrometer, is loaded, so Micrometer stays an
 * optional dependency.
 */
interface Meters extends VerifiedReadListener {
  /** Counts nothing. */
  Meters NONE = new Meters() {};

  /** Meters in {@code registry} (a {@code MeterRegistry}), or {@link #NONE} when it is null. */
  static Meters of(Object registry) {
    return registry == null ? NONE : MicrometerMeters.of(registry);
  }

  @Override
  default void served(String sourceId, int bytes, long nanos) {}

  @Override
  default void failed(String sourceId, Throwable cause, boolean integrity) {}

  /** Publishes the hits, misses (fills) and errors of a client's disk cache. */
  default void cache(DiskCache cache) {}

  /** A principal was refused: {@code reason} is {@code policy} or {@code key}. */
  default void authorizationFailure(String reason) {}

  /** A manifest or latest pointer was refused for {@code reason} (SIGNATURE, ROLLBACK…). */
  default void manifestRejected(String reason) {}

  /** The publisher stored {@code bytes} on {@code tierId} in {@code nanos}. */
  default void stored(String tierId, long bytes, long nanos) {}

  /** The publisher found an intact copy of {@code bytes} on {@code tierId} and reused it. */
  default void reused(String tierId, long bytes) {}

  /**
   * The fewest verified copies any object of {@code manifest}'s release had at the last scrub (the
   * gauge {@code btfs.release.copies}; scrub calls this once per release it checked).
   */
  default void copies(DatasetManifest manifest, int copies) {}
}
