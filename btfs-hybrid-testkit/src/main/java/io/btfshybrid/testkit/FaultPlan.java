package io.btfshybrid.testkit;

import java.time.Duration;
import java.util.NavigableSet;
import java.util.TreeSet;

/** The faults that apply to one read, composed from every matching rule. */
final class FaultPlan {
  boolean vanished;
  boolean failOnOpen;
  long failAt = Long.MAX_VALUE;
  long truncateAt = Long.MAX_VALUE;
  final NavigableSet<Long> corruptAt = new TreeSet<>();
  long extraBytes;
  Duration firstByteDelay = Duration.ZERO;
  Duration perReadPause = Duration.ZERO;
  int maxBytesPerRead = Integer.MAX_VALUE;

  boolean isEmpty() {
    return !vanished
        && !failOnOpen
        && failAt == Long.MAX_VALUE
        && truncateAt == Long.MAX_VALUE
        && corruptAt.isEmpty()
        && extraBytes == 0
        && firstByteDelay.isZero()
        && perReadPause.isZero()
        && maxBytesPerRead == Integer.MAX_VALUE;
  }
}
