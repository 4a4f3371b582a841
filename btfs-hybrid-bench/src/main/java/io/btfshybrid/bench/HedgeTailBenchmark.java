package io.btfshybrid.bench;

import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.TierKind;
import io.btfshybrid.core.Dataset;
import io.btfshybrid.core.DatasetClient;
import io.btfshybrid.core.DatasetPublisher;
import io.btfshybrid.core.FileTier;
import io.btfshybrid.core.ManifestResolver;
import io.btfshybrid.core.ManifestSigner;
import io.btfshybrid.core.PublishResult;
import io.btfshybrid.core.TierScorecard;
import io.btfshybrid.core.TrustRoot;
import io.btfshybrid.testkit.FaultInjectingTier;
import io.btfshybrid.testkit.TestDatasets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Issue 13, benchmark 4 (tail latency): a replica tier where a fraction of requests (default 5%,
 * drawn per read from a seeded random) hold back their first byte for 2 s, and a healthy cloud tier
 * holding the same release; both behind the same simulated link ({@link FaultInjectingTier}: 30 ms
 * to first byte, 256 KiB per 6 ms, about 40 MB/s). Shard-read latency p50/p95/p99 and p99/p50 with
 * hedging off and on (blocks of reads interleaved, 1000 reads each so p99 is the 10th slowest), the
 * duplicate bytes hedging spent (bytes both tiers served minus bytes delivered), and what makes up
 * p99: the latency of reads whose replica request stalled (hedged: the hedge delay, the replica's
 * recent p95 time to first byte, plus a whole read from the cloud) against the others, and each
 * tier's time to first byte.
 *
 * <p>Options: {@code --shards 100 --shard-kib 1024 --chunk-kib 256 --reads 1000 --block 50
 * --stall-fraction 0.05 --stall-ms 2000 --ttfb-ms 30}.
 */
public final class HedgeTailBenchmark {
  private HedgeTailBenchmark() {}

  /** Runs both configurations interleaved and prints the table. */
  public static void main(String[] args) throws Exception {
    int shards = ReadPathBenchmark.intOption(args, "--shards", 100);
    int shardKiB = ReadPathBenchmark.intOption(args, "--shard-kib", 1024);
    int chunkKiB = ReadPathBenchmark.intOption(args, "--chunk-kib", 256);
    int reads = ReadPathBenchmark.intOption(args, "--reads", 1000);
    int block = ReadPathBenchmark.intOption(args, "--block", 50);
    double fraction =
        Double.parseDouble(ReadPathBenchmark.stringOption(args, "--stall-fraction", "0.05"));
    Duration stall = Duration.ofMillis(ReadPathBenchmark.intOption(args, "--stall-ms", 2000));
    Duration ttfb = Duration.ofMillis(ReadPathBenchmark.intOption(args, "--ttfb-ms", 30));
    Path dir = Files.createTempDirectory("hedge-tail");
    try {
      TestDatasets.SourceTree source =
          TestDatasets.write(dir.resolve("src"), shards, ((long) shards * shardKiB) << 10, 3);
      FileTier replicaFiles =
          FileTier.builder().id("replica").kind(TierKind.REPLICA).root(dir.resolve("r")).build();
      FileTier cloudFiles =
          FileTier.builder().id("cloud").kind(TierKind.CLOUD).root(dir.resolve("c")).build();
      ManifestSigner signer = ManifestSigner.generate();
      PublishResult release =
          DatasetPublisher.builder()
              .tier(replicaFiles)
              .tier(cloudFiles)
              .signer(signer)
              .chunkSize(chunkKiB << 10)
              .build()
              .publish(source.root(), "tail", "1");
      Link link = new Link(fraction, stall, ttfb);
      Config off = new Config(false, replicaFiles, cloudFiles, signer, release, link);
      Config on = new Config(true, replicaFiles, cloudFiles, signer, release, link);
      try (off;
          on) {
        for (int done = 0; done < reads; done += block) {
          off.read(block);
          on.read(block);
        }
        off.print();
        on.print();
      }
    } finally {
      BenchSupport.deleteRecursively(dir);
    }
  }

  /** The simulated link and the replica's stalls. */
  private record Link(double stallFraction, Duration stall, Duration ttfb) {
    FaultInjectingTier wrap(FileTier tier) {
      return FaultInjectingTier.wrap(tier).delay(ttfb).dribble(256 << 10, Duration.ofMillis(6));
    }
  }

  /** One client (hedging off or on) over its own stalling replica and healthy cloud. */
  private static final class Config implements AutoCloseable {
    final boolean hedging;
    final Link link;
    final SplittableRandom random = new SplittableRandom(42);
    final FaultInjectingTier replica;
    final FaultInjectingTier cloud;
    final DatasetClient client;
    final Dataset dataset;
    final List<ShardEntry> shards;
    final long[] nanos = new long[100_000];
    final boolean[] stalledRead = new boolean[100_000];
    int count;
    int stalls;
    long delivered;

    Config(
        boolean hedging,
        FileTier replicaFiles,
        FileTier cloudFiles,
        ManifestSigner signer,
        PublishResult release,
        Link link)
        throws Exception {
      this.hedging = hedging;
      this.link = link;
      this.replica = link.wrap(replicaFiles);
      this.cloud = link.wrap(cloudFiles);
      this.client =
          DatasetClient.builder()
              .tier(replica)
              .tier(cloud)
              .trust(TrustRoot.of(signer.publicKeyset()))
              .hedging(hedging)
              .build();
      this.dataset = client.open(release.manifestUri());
      this.shards = dataset.shards();
      replica.resetCounters(); // count shard bytes only, not the manifest's
      cloud.resetCounters();
    }

    void read(int n) throws Exception {
      byte[] buf = new byte[64 << 10];
      for (int i = 0; i < n; i++) {
        ShardEntry s = shards.get(count % shards.size());
        String key = ManifestResolver.blobKey(s);
        boolean stalled = random.nextDouble() < link.stallFraction();
        if (stalled) {
          replica.delay(key, link.stall());
          stalls++;
        }
        long t0 = System.nanoTime();
        delivered += BenchSupport.drain(dataset.openShard(s.path()), buf);
        stalledRead[count] = stalled;
        nanos[count++] = System.nanoTime() - t0;
        if (stalled) {
          replica.heal(key);
        }
      }
    }

    void print() {
      long[] all = Arrays.copyOf(nanos, count);
      Arrays.sort(all);
      double p50 = quantile(all, 0.50);
      double p99 = quantile(all, 0.99);
      long served = replica.bytesServed() + cloud.bytesServed();
      long duplicates = served - delivered;
      System.out.printf(
          Locale.ROOT,
          "hedging %-3s  reads %d  stalled replica requests %d  p50 %.1f ms  p95 %.1f ms"
              + "  p99 %.1f ms  p99/p50 %.2f  duplicate bytes %d (%.3f%% of %d delivered,"
              + " tiers served %d)%n",
          hedging ? "on" : "off",
          count,
          stalls,
          p50,
          quantile(all, 0.95),
          p99,
          p99 / p50,
          duplicates,
          100.0 * duplicates / delivered,
          delivered,
          served);
      long[] stalledNanos = select(true);
      long[] healthy = select(false);
      System.out.printf(
          Locale.ROOT,
          "  what makes p99: reads whose replica request stalled p50 %.1f / max %.1f ms;"
              + " the others p50 %.1f / p99 %.1f ms (p99/p50 %.2f: the link and the machine's"
              + " own noise)%n",
          quantile(stalledNanos, 0.50),
          quantile(stalledNanos, 1.0),
          quantile(healthy, 0.50),
          quantile(healthy, 0.99),
          quantile(healthy, 0.99) / quantile(healthy, 0.50));
      for (TierScorecard card : client.scorecards()) {
        System.out.printf(
            Locale.ROOT,
            "  %-7s first byte p50 %.1f / p95 %.1f / p99 %.1f ms over %d requests%n",
            card.tierId(),
            card.firstByte().p50().toNanos() / 1e6,
            card.firstByte().p95().toNanos() / 1e6,
            card.firstByte().p99().toNanos() / 1e6,
            card.firstByte().samples());
      }
    }

    private long[] select(boolean stalled) {
      long[] out = new long[count];
      int n = 0;
      for (int i = 0; i < count; i++) {
        if (stalledRead[i] == stalled) {
          out[n++] = nanos[i];
        }
      }
      long[] sorted = Arrays.copyOf(out, n);
      Arrays.sort(sorted);
      return sorted;
    }

    /** The {@code q} quantile of sorted nanoseconds, in milliseconds (0 when empty). */
    private static double quantile(long[] sorted, double q) {
      if (sorted.length == 0) {
        return 0;
      }
      return sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }

    @Override
    public void close() {
      dataset.close();
      client.close();
    }
  }
}
