package io.btfshybrid.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.TierKind;
import io.btfshybrid.core.Dataset;
import io.btfshybrid.core.DatasetClient;
import io.btfshybrid.core.DatasetPublisher;
import io.btfshybrid.core.ManifestResolver;
import io.btfshybrid.core.ManifestSigner;
import io.btfshybrid.core.PublishResult;
import io.btfshybrid.core.TrustRoot;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica whose request for a shard stalls before its first byte (and would until closed): with
 * hedging on, the cloud is asked too after the hedge delay, its verified bytes are delivered
 * exactly once and in order, and the stalled request is closed; no hedge thread outlives the
 * client.
 */
class HedgedReadTest {
  static final int CHUNK = 16 * 1024;

  @TempDir Path dir;

  @Test
  void aStalledFirstByteIsHedgedAndTheLoserClosed() throws Exception {
    FaultInjectingTier replica =
        FaultInjectingTier.wrap(InMemoryTier.of("replica", TierKind.REPLICA));
    FaultInjectingTier cloud = FaultInjectingTier.wrap(InMemoryTier.of("cloud", TierKind.CLOUD));
    TestDatasets.SourceTree source = TestDatasets.write(dir.resolve("src"), 3, 3L * 8 * CHUNK, 5);
    ManifestSigner signer = ManifestSigner.generate();
    PublishResult release =
        DatasetPublisher.builder()
            .tier(replica)
            .tier(cloud)
            .signer(signer)
            .chunkSize(CHUNK)
            .build()
            .publish(source.root(), "hedge", "1");
    List<ShardEntry> shards = release.manifest().shards();
    ShardEntry stalled = shards.get(2);
    String key = ManifestResolver.blobKey(stalled);
    try (DatasetClient client =
            DatasetClient.builder()
                .tier(replica)
                .tier(cloud)
                .trust(TrustRoot.of(signer.publicKeyset()))
                .hedgeDelay(
                    Duration.ofMillis(250), Duration.ofMillis(250)) // far above a memory read
                .hedgeBudget(1.0)
                .build();
        Dataset ds = client.open(release.manifestUri())) {
      for (ShardEntry s : shards.subList(0, 2)) { // healthy reads first
        assertArrayEquals(source.bytes(s.path()), readAll(ds.openShard(s.path())));
      }
      assertEquals(0, cloud.bytesServed(), "healthy replica reads are not hedged");
      replica.stallAt(key, 0);
      assertTimeoutPreemptively(
          Duration.ofSeconds(30),
          () ->
              assertArrayEquals(
                  source.bytes(stalled.path()), readAll(ds.openShard(stalled.path()))));
      assertEquals(1, replica.stalledReads(), "the replica was asked first and stalled");
      assertEquals(stalled.size(), cloud.bytesServed(key), "the cloud served the shard once");
      assertTimeoutPreemptively(
          Duration.ofSeconds(30),
          () -> {
            while (replica.stalledNow() > 0) {
              Thread.onSpinWait(); // the loser's stream is closed by the winner's reader
            }
          });
      assertEquals(0, client.stats().integrityFailures());
    }
    assertTimeoutPreemptively(
        Duration.ofSeconds(30),
        () -> {
          while (hedgeThreads() > 0) {
            Thread.onSpinWait(); // closing the client ends its hedge threads
          }
        });
  }

  static long hedgeThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("btfs-hybrid-hedge-") && t.isAlive())
        .count();
  }

  static byte[] readAll(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }
}
