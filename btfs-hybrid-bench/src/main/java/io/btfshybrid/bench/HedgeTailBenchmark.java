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
 * to first byte, 256 KiB per 6 ms, about 40 MB/s). Shard-read latency p50/p99 with hedging off and
 * on (blocks of reads interleaved), and the duplicate bytes hedging spent (bytes both tiers served
 * minus bytes delivered).
 *
 * <p>Options: {@code --shards 100 --shard-kib 1024 --chunk-kib 256 --reads 400 --block 50
 * --stall-fraction 0.05 --stall-ms 2000 --ttfb-ms 30}.
 */
public final class HedgeTailBenchmark {
  private HedgeTailBenchmark() {}

  /** Runs both configurations interleaved and prints the table. */
  public static void main(String[] args) throws Exception {
    int shards = ReadPathBenchmark.intOption(args, "--shards", 100);
    int shardKiB = ReadPathBenchmark.intOption(args, "--shard-kib", 1024);
    int chunkKiB = ReadPathBenchmark.intOption(args, "--chunk-kib", 256);
    int reads = ReadPathBenchmark.intOption(args, "--reads", 400);
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
        nanos[count++] = System.nanoTime() - t0;
        if (stalled) {
          replica.heal(key);
        }
      }
    }

    void print() {
      long[] sorted = Arrays.copyOf(nanos, count);
      Arrays.sort(sorted);
      double p50 = sorted[(int) Math.ceil(0.50 * count) - 1] / 1e6;
      double p99 = sorted[(int) Math.ceil(0.99 * count) - 1] / 1e6;
      long duplicates = replica.bytesServed() + cloud.bytesServed() - delivered;
      System.out.printf(
          Locale.ROOT,
          "hedging %-3s  reads %d  stalled replica requests %d  p50 %.1f ms  p99 %.1f ms"
              + "  p99/p50 %.1f  duplicate bytes %d (%.2f%% of %d delivered)%n",
          hedging ? "on" : "off",
          count,
          stalls,
          p50,
          p99,
          p99 / p50,
          duplicates,
          100.0 * duplicates / delivered,
          delivered);
    }

    @Override
    public void close() {
      dataset.close();
      client.close();
    }
  }
}
