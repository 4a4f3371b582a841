package io.btfshybrid.testkit;

import io.btfshybrid.api.ObjectInfo;
import java.time.Duration;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

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

  /** A fault that makes the next {@code times} requests it applies to unavailable (a 503 burst). */
  static Consumer<FaultPlan> storm(int times) {
    checkNotNegative("unavailable times", times);
    AtomicInteger left = new AtomicInteger(times);
    return plan -> plan.unavailable |= left.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
  }

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
