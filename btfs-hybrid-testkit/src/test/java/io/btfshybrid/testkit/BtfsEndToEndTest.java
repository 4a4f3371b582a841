package io.btfshybrid.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.HybridStorageException;
import io.btfshybrid.api.IntegrityException;
import io.btfshybrid.api.LocationHint;
import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.TierKind;
import io.btfshybrid.btfs.BtfsTier;
import io.btfshybrid.btfs.Cid;
import io.btfshybrid.btfs.CidProfile;
import io.btfshybrid.core.ClientStats;
import io.btfshybrid.core.Dataset;
import io.btfshybrid.core.DatasetClient;
import io.btfshybrid.core.DatasetPublisher;
import io.btfshybrid.core.FileTier;
import io.btfshybrid.core.ManifestSigner;
import io.btfshybrid.core.PublishResult;
import io.btfshybrid.core.TrustRoot;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A release published to a replica, a cloud-kind tier and BTFS (the node simulator); with the
 * replica and the cloud copy wiped, a new client still reads every shard exactly from BTFS, and
 * BTFS nodes that corrupt blocks or lie about CIDs are caught (and counted) rather than believed.
 */
class BtfsEndToEndTest {
  private static final long TOTAL = 5L * 700_000 + 3;

  @TempDir Path dir;
  private final List<AutoCloseable> closeLater = new ArrayList<>();
  private BtfsNodeSimulator goodNode;
  private BtfsNodeSimulator badNode;
  private FileTier mirror;
  private InMemoryTier cloud;
  private BtfsTier btfs;
  private BtfsTier badBtfs;
  private ManifestSigner signer;
  private TestDatasets.SourceTree source;

  @BeforeEach
  void publishSetUp() throws IOException {
    goodNode = closing(BtfsNodeSimulator.start(dir.resolve("good-node")));
    badNode = closing(BtfsNodeSimulator.start(dir.resolve("bad-node")));
    mirror =
        FileTier.builder()
            .id("mirror")
            .kind(TierKind.REPLICA)
            .region("eu-west-1")
            .root(dir.resolve("mirror"))
            .build();
    cloud = InMemoryTier.builder().id("cloud").kind(TierKind.CLOUD).region("us-east-1").build();
    btfs = closing(tier("btfs", goodNode, false));
    badBtfs = closing(tier("btfs-bad", badNode, false));
    signer = ManifestSigner.generate();
    source = TestDatasets.write(dir.resolve("source"), 5, TOTAL, 2026);
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeLater) {
      c.close();
    }
  }

  private <T extends AutoCloseable> T closing(T c) {
    closeLater.add(c);
    return c;
  }

  private BtfsTier tier(String id, BtfsNodeSimulator node, boolean trustless) {
    return BtfsTier.builder()
        .id(id)
        .apiUrl(node.apiUrl())
        .requestTimeout(Duration.ofSeconds(2))
        .trustless(trustless)
        .build();
  }

  private PublishResult publish(StorageTier... tiers) throws IOException {
    return DatasetPublisher.builder()
        .tiers(List.of(tiers))
        .signer(signer)
        .build()
        .publish(source.root(), "imagenet-mini", "1.0.0");
  }

  private void wipeReplicaAndCloud() throws IOException {
    try (Stream<Path> files = Files.walk(mirror.root())) {
      files
          .sorted(Comparator.reverseOrder())
          .filter(p -> !p.equals(mirror.root()))
          .forEach(p -> p.toFile().delete());
    }
    cloud.clear();
    assertEquals(0, cloud.keys().size());
  }

  private DatasetClient client(String cacheName, StorageTier... tiers) throws IOException {
    return DatasetClient.builder()
        .tiers(List.of(tiers))
        .region("eu-west-1")
        .trust(TrustRoot.of(signer.publicKeyset()))
        .cacheDirectory(dir.resolve(cacheName))
        .cacheMaxBytes(64L << 20)
        .build();
  }

  private static URI btfsManifest(PublishResult release, String tierId) {
    return release.manifestLocations().stream()
        .filter(l -> l.tierId().equals(tierId))
        .map(Locator::uri)
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "no manifest stored on " + tierId + ": " + release.manifestLocations()));
  }

  private void assertEveryShardExact(Dataset ds) throws IOException {
    assertEquals(source.shards().size(), ds.shards().size());
    for (String shard : source.shards()) {
      try (InputStream in = ds.openShard(shard)) {
        assertArrayEquals(source.bytes(shard), in.readAllBytes(), shard);
      }
    }
  }

  @Test
  void withReplicaAndCloudWipedEveryShardComesExactlyFromBtfs() throws IOException {
    PublishResult release = publish(mirror, cloud, btfs);
    for (ShardEntry shard : release.manifest().shards()) {
      LocationHint hint =
          shard.locations().stream()
              .filter(h -> h.kind() == TierKind.BTFS)
              .findFirst()
              .orElseThrow();
      Cid expected;
      try (InputStream in = Files.newInputStream(source.file(shard.path()))) {
        expected = Cid.compute(in, CidProfile.V1_RAW);
      }
      assertEquals(URI.create("btfs://" + expected), hint.uri(), shard.path());
      assertTrue(goodNode.isPinned(expected), shard.path() + " is pinned");
    }
    wipeReplicaAndCloud();
    BtfsTier freshBtfs = closing(tier("btfs", goodNode, false));
    try (DatasetClient client = client("cache-1", mirror, cloud, freshBtfs);
        Dataset ds = client.open(btfsManifest(release, "btfs"))) {
      assertEveryShardExact(ds);
      ClientStats stats = client.stats();
      assertEquals(TOTAL, stats.source("btfs").bytesServed());
      assertEquals(0, stats.source("mirror").bytesServed());
      assertEquals(0, stats.source("cloud").bytesServed());
      assertEquals(0, stats.integrityFailures());
    }
  }

  @Test
  void aNodeServingCorruptedBlocksIsCaughtCountedAndSkipped() throws IOException {
    PublishResult release = publish(mirror, cloud, btfs, badBtfs);
    wipeReplicaAndCloud();
    badNode.corruptBlocks(true);
    for (boolean trustless : new boolean[] {false, true}) {
      BtfsTier bad = closing(tier("btfs-bad", badNode, trustless));
      BtfsTier good = closing(tier("btfs", goodNode, trustless));
      try (DatasetClient client = client("cache-" + trustless, bad, good);
          Dataset ds = client.open(btfsManifest(release, "btfs"))) {
        assertEquals(
            "btfs-bad",
            ds.plan(source.shards().get(0)).get(0).tierId(),
            "the bad node is asked first");
        assertEveryShardExact(ds);
        ClientStats stats = client.stats();
        assertTrue(
            stats.source("btfs-bad").integrityFailures() >= 1,
            "trustless=" + trustless + ": " + stats);
        assertEquals(
            0, stats.source("btfs-bad").bytesServed(), "no corrupted byte was served: " + stats);
        assertEquals(TOTAL, stats.source("btfs").bytesServed());
      }
    }
  }

  @Test
  void withOnlyACorruptingNodeLeftTheReadFailsTypedInsteadOfLying() throws IOException {
    PublishResult release = publish(mirror, cloud, btfs);
    wipeReplicaAndCloud();
    try (DatasetClient client = client("cache-2", btfs);
        Dataset ds = client.open(btfsManifest(release, "btfs"))) {
      goodNode.corruptBlocks(true);
      String shard = source.shards().get(1);
      IOException e =
          assertThrows(
              IOException.class,
              () -> {
                try (InputStream in = ds.openShard(shard)) {
                  in.readAllBytes();
                }
              });
      assertTrue(e instanceof HybridStorageException, e.toString());
      assertTrue(client.stats().source("btfs").integrityFailures() >= 1, client.stats().toString());
    }
  }

  @Test
  void aNodeAnsweringAddWithAWrongCidIsRefusedAtPublishTime() throws IOException {
    badNode.lyingAdd(true);
    HybridStorageException e =
        assertThrows(HybridStorageException.class, () -> publish(mirror, cloud, badBtfs));
    Throwable cause = e;
    boolean integrity = false;
    while (cause != null) {
      integrity |= cause instanceof IntegrityException;
      cause = cause.getCause();
    }
    assertTrue(integrity, "the wrong CID surfaces as an IntegrityException: " + e);
    assertTrue(e.getMessage().contains("btfs-bad"), e.getMessage());
    assertFalse(
        cloud.keys().stream().anyMatch(k -> k.startsWith("manifests/")),
        "no manifest was published");
  }
}
