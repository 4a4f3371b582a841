package io.btfshybrid.testkit;

import io.btfshybrid.api.HybridStorageException;
import io.btfshybrid.api.Locator;
import io.btfshybrid.api.StorageTier;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/** What one {@link FaultInjectingTier} served, per object, and the faults it injected. */
final class TierCounters {
  private final ConcurrentMap<URI, ObjectCounters> perObject = new ConcurrentHashMap<>();
  final AtomicLong stalled = new AtomicLong();
  final AtomicLong stalledNow = new AtomicLong();
  final AtomicLong unavailable = new AtomicLong();

  /** Counts a read opened on {@code where}; returns the object's counters. */
  ObjectCounters opened(Locator where, long offset, long length) {
    ObjectCounters count = perObject.computeIfAbsent(where.uri(), u -> new ObjectCounters());
    count.opened(new FaultInjectingTier.Request(where.uri(), offset, length));
    return count;
  }

  long sum(Target target, StorageTier tier, boolean reads) {
    long total = 0;
    for (var e : perObject.entrySet()) {
      if (target.matches(new Locator(tier.id(), e.getKey()), tier)) {
        total += reads ? e.getValue().reads.get() : e.getValue().bytes.get();
      }
    }
    return total;
  }

  List<FaultInjectingTier.Request> requests(Target target, StorageTier tier) {
    List<FaultInjectingTier.Request> out = new ArrayList<>();
    perObject.forEach(
        (uri, c) -> {
          if (target.matches(new Locator(tier.id(), uri), tier)) {
            out.addAll(c.requests());
          }
        });
    out.sort(Comparator.comparingLong(FaultInjectingTier.Request::sequence));
    return out;
  }

  /** Throws (and counts) a 503 answer when a storm fails this request. */
  void checkAvailable(FaultPlan plan, Locator where) throws HybridStorageException {
    if (plan.unavailable) {
      unavailable.incrementAndGet();
      throw new HybridStorageException(
          "503 Service Unavailable from tier '"
              + where.tierId()
              + "' for "
              + where
              + " (injected storm)");
    }
  }

  void reset() {
    perObject.clear();
    stalled.set(0);
    unavailable.set(0);
  }
}
