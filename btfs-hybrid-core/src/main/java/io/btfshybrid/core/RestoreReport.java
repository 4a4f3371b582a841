package io.btfshybrid.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What {@link ReleaseOperations#restore} copied into the replacement tier, every byte verified on
 * the way in and read back: objects, bytes, wall time and throughput (a runbook's RTO evidence),
 * and what could not be restored.
 */
public final class RestoreReport {
  private final String release;
  private final String fromTierId;
  private final String toTierId;
  private final List<String> objects;
  private final long bytes;
  private final Duration duration;
  private final List<String> skipped;

  RestoreReport(
      String release,
      String fromTierId,
      String toTierId,
      List<String> objects,
      long bytes,
      Duration duration,
      List<String> skipped) {
    this.release = Objects.requireNonNull(release, "release");
    this.fromTierId = Objects.requireNonNull(fromTierId, "fromTierId");
    this.toTierId = Objects.requireNonNull(toTierId, "toTierId");
    this.objects = List.copyOf(objects);
    this.bytes = bytes;
    this.duration = Objects.requireNonNull(duration, "duration");
    this.skipped = List.copyOf(skipped);
  }

  /** {@code dataset@version} of the release restored. */
  public String release() {
    return release;
  }

  /** The tier read from. */
  public String fromTierId() {
    return fromTierId;
  }

  /** The replacement tier written. */
  public String toTierId() {
    return toTierId;
  }

  /** The objects now verified on the replacement tier (shards, index blobs, manifests, pointer). */
  public List<String> objects() {
    return objects;
  }

  /** Stored bytes verified on the replacement tier. */
  public long bytes() {
    return bytes;
  }

  /** Wall time from the first read to the last verification. */
  public Duration duration() {
    return duration;
  }

  /** Bytes per second over {@link #duration()}. */
  public double bytesPerSecond() {
    double secs = Math.max(1e-9, duration.toNanos() / 1e9);
    return bytes / secs;
  }

  /** Objects not restored, each with the reason (e.g. a latest pointer no tier holds). */
  public List<String> skipped() {
    return skipped;
  }

  @Override
  public String toString() {
    return "RestoreReport["
        + release
        + ", "
        + fromTierId
        + " -> "
        + toTierId
        + ", "
        + objects.size()
        + " objects, "
        + bytes
        + " bytes in "
        + duration
        + "]";
  }
}
