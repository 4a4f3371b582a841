package io.btfshybrid.testkit;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Reads opened on one object, the most recent requests, and the bytes they returned. */
final class ObjectCounters {
  /** How many requests per object are remembered. */
  static final int KEPT = 1000;

  final AtomicLong reads = new AtomicLong();
  final AtomicLong bytes = new AtomicLong();
  private final Deque<FaultInjectingTier.Request> recent = new ArrayDeque<>();

  void opened(FaultInjectingTier.Request request) {
    reads.incrementAndGet();
    synchronized (recent) {
      if (recent.size() == KEPT) {
        recent.removeFirst();
      }
      recent.addLast(request);
    }
  }

  List<FaultInjectingTier.Request> requests() {
    synchronized (recent) {
      return List.copyOf(recent);
    }
  }
}
