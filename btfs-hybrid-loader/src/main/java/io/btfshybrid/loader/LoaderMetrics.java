package io.btfshybrid.loader;

import io.btfshybrid.core.ClientStats;
import io.btfshybrid.core.DatasetClient;
import io.btfshybrid.core.TierStats;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The loader's running counters; tier figures are the client's since the loader was built. */
final class LoaderMetrics {
  private final DatasetClient client;
  private final ClientStats baseline;
  private final LongAdder samples = new LongAdder();
  private final LongAdder bytes = new LongAdder();
  private final LongAdder stalledNanos = new LongAdder();
  private final AtomicLong firstIteratorNanos = new AtomicLong(-1);
  private final AtomicLong firstBatchNanos = new AtomicLong(-1);

  LoaderMetrics(DatasetClient client) {
    this.client = client;
    this.baseline = client.stats();
  }

  void iteratorOpened() {
    firstIteratorNanos.compareAndSet(-1, System.nanoTime());
  }

  void stalled(long nanos) {
    stalledNanos.add(nanos);
  }

  void delivered(int count, long byteCount) {
    samples.add(count);
    bytes.add(byteCount);
    long opened = firstIteratorNanos.get();
    if (opened >= 0) {
      firstBatchNanos.compareAndSet(-1, System.nanoTime() - opened);
    }
  }

  LoaderStats snapshot() {
    ClientStats now = client.stats();
    Map<String, Long> byTier = new HashMap<>();
    for (TierStats t : now.sources()) {
      long served = t.bytesServed() - baseline.source(t.tierId()).bytesServed();
      if (served != 0) {
        byTier.put(t.tierId(), served);
      }
    }
    long first = firstBatchNanos.get();
    return new LoaderStats(
        samples.sum(),
        bytes.sum(),
        byTier,
        now.cacheHits() - baseline.cacheHits(),
        now.integrityFailures() - baseline.integrityFailures(),
        first < 0 ? Duration.ZERO : Duration.ofNanos(first),
        Duration.ofNanos(stalledNanos.sum()));
  }
}
