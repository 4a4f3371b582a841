package io.btfshybrid.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.TierKind;
import io.btfshybrid.core.Dataset;
import io.btfshybrid.core.DatasetClient;
import io.btfshybrid.core.FileTier;
import io.btfshybrid.core.ManifestSigner;
import io.btfshybrid.core.TrustRoot;
import java.io.InputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.net.URI;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The child JVM of {@link EndToEndBenchmark}'s heap test (run with a small -Xmx): streams every
 * shard of a release, checks each shard's whole-file SHA-256, and prints one RESULT line with the
 * heap high-water mark seen by GC notifications, by a sampler and by the pools' peak counters.
 *
 * <p>Arguments: tier root, signer keyset file, manifest URI, read buffer size.
 */
public final class EndToEndHeapProbe {
  private EndToEndHeapProbe() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println(
          "usage: EndToEndHeapProbe TIER_ROOT SIGNER_KEYSET MANIFEST_URI BUFFER_BYTES");
      System.exit(2);
    }
    EndToEndBenchmark.quietLogging();
    HeapWatch watch = HeapWatch.start();
    FileTier tier =
        FileTier.builder()
            .id(BenchSupport.TIER_ID)
            .kind(TierKind.REPLICA)
            .root(Path.of(args[0]))
            .build();
    TrustRoot trust = TrustRoot.of(ManifestSigner.load(Path.of(args[1])).publicKeyset());
    byte[] buf = new byte[Integer.parseInt(args[3])];
    MessageDigest md = BenchSupport.sha256();
    long bytes = 0;
    int exact = 0;
    int shards = 0;
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
    long began = System.nanoTime();
    try (DatasetClient client = DatasetClient.builder().tier(tier).trust(trust).build();
        Dataset ds = client.open(URI.create(args[2]))) {
      for (ShardEntry shard : ds.shards()) {
        md.reset();
        try (InputStream in = ds.openShard(shard.path())) {
          int n;
          while ((n = in.read(buf)) != -1) {
            md.update(buf, 0, n);
            bytes += n;
          }
        }
        shards++;
        if (HexFormat.of().formatHex(md.digest()).equals(shard.sha256())) {
          exact++;
        } else {
          System.err.println("SHA-256 MISMATCH in " + shard.path());
        }
      }
    }
    double seconds = (System.nanoTime() - began) / 1e9;
    long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
    watch.stop();
    System.out.printf(
        "RESULT shards=%d exact=%d bytes=%d seconds=%.3f gcPeakUsed=%d gcPeakAfter=%d sampledPeakUsed=%d poolPeakSum=%d"
            + " maxCommitted=%d maxHeap=%d gcCount=%d allocated=%d%n",
        shards,
        exact,
        bytes,
        seconds,
        watch.gcPeakUsed.get(),
        watch.gcPeakAfter.get(),
        watch.sampledPeak.get(),
        watch.poolPeakSum(),
        watch.maxCommitted.get(),
        Runtime.getRuntime().maxMemory(),
        watch.gcCount(),
        allocated);
  }

  /** Watches heap use: the sum of heap pools before each GC, a 2 ms sampler, and pool peaks. */
  static final class HeapWatch {
    final AtomicLong gcPeakUsed = new AtomicLong();
    final AtomicLong gcPeakAfter = new AtomicLong();
    final AtomicLong sampledPeak = new AtomicLong();
    final AtomicLong maxCommitted = new AtomicLong();
    private volatile boolean running = true;
    private Thread sampler;

    static HeapWatch start() {
      HeapWatch w = new HeapWatch();
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        pool.resetPeakUsage();
      }
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        ((NotificationEmitter) gc)
            .addNotificationListener(
                (n, handback) -> {
                  if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                      n.getType())) {
                    var info =
                        GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                    long before = heapUsed(info.getGcInfo().getMemoryUsageBeforeGc());
                    w.gcPeakUsed.accumulateAndGet(before, Math::max);
                    w.gcPeakAfter.accumulateAndGet(
                        heapUsed(info.getGcInfo().getMemoryUsageAfterGc()), Math::max);
                  }
                },
                null,
                null);
      }
      w.sampler =
          new Thread(
              () -> {
                while (w.running) {
                  MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
                  w.sampledPeak.accumulateAndGet(heap.getUsed(), Math::max);
                  w.maxCommitted.accumulateAndGet(heap.getCommitted(), Math::max);
                  try {
                    Thread.sleep(2);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "heap-sampler");
      w.sampler.setDaemon(true);
      w.sampler.start();
      return w;
    }

    private static long heapUsed(java.util.Map<String, MemoryUsage> byPool) {
      long used = 0;
      for (var e : byPool.entrySet()) {
        if (isHeap(e.getKey())) {
          used += e.getValue().getUsed();
        }
      }
      return used;
    }

    private static boolean isHeap(String poolName) {
      return ManagementFactory.getMemoryPoolMXBeans().stream()
          .anyMatch(p -> p.getName().equals(poolName) && p.getType() == MemoryType.HEAP);
    }

    void stop() throws InterruptedException {
      running = false;
      sampler.join();
    }

    long poolPeakSum() {
      return ManagementFactory.getMemoryPoolMXBeans().stream()
          .filter(p -> p.getType() == MemoryType.HEAP)
          .mapToLong(p -> p.getPeakUsage().getUsed())
          .sum();
    }

    long gcCount() {
      return ManagementFactory.getGarbageCollectorMXBeans().stream()
          .mapToLong(GarbageCollectorMXBean::getCollectionCount)
          .sum();
    }
  }
}
