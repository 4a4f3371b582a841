package io.btfshybrid.testkit;

import io.btfshybrid.api.ObjectInfo;
import java.time.Duration;
import java.util.NavigableSet;
import java.util.TreeSet;

/** The faults that apply to one read, composed from every matching rule. */
final class FaultPlan {
  boolean vanished;
  boolean failOnOpen;
  long failAt = Long.MAX_VALUE;
  long truncateAt = Long.MAX_VALUE;
  long stallAt = Long.MAX_VALUE;
  long endlessAt = Long.MAX_VALUE;
  boolean unavailable;
  final NavigableSet<Long> corruptAt = new TreeSet<>();
  long extraBytes;
  Duration firstByteDelay = Duration.ZERO;
  Duration perReadPause = Duration.ZERO;
  int maxBytesPerRead = Integer.MAX_VALUE;

  /** Throws naming {@code what} when {@code value} is negative. */
  static void checkNotNegative(String what, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(what + " must be >= 0, was " + value);
    }
  }

  /** What stat reports for an object under this plan: truncated objects look shorter. */
  ObjectInfo truncate(ObjectInfo info) {
    return info.size() <= truncateAt
        ? info
        : new ObjectInfo(info.locator(), truncateAt, info.lastModified());
  }

  boolean isEmpty() {
    return !vanished
        && !failOnOpen
        && failAt == Long.MAX_VALUE
        && truncateAt == Long.MAX_VALUE
        && stallAt == Long.MAX_VALUE
        && endlessAt == Long.MAX_VALUE
        && !unavailable
        && corruptAt.isEmpty()
        && extraBytes == 0
        && firstByteDelay.isZero()
        && perReadPause.isZero()
        && maxBytesPerRead == Integer.MAX_VALUE;
  }
}
