package io.btfshybrid.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.LocationHint;
import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.TierKind;
import io.btfshybrid.btfs.BtfsTier;
import io.btfshybrid.core.BlobKeys;
import io.btfshybrid.core.CopyStatus;
import io.btfshybrid.core.Dataset;
import io.btfshybrid.core.DatasetClient;
import io.btfshybrid.core.DatasetPublisher;
import io.btfshybrid.core.FileTier;
import io.btfshybrid.core.ManifestSigner;
import io.btfshybrid.core.PublishResult;
import io.btfshybrid.core.ReleaseOperations;
import io.btfshybrid.core.RepairPolicy;
import io.btfshybrid.core.RepairReport;
import io.btfshybrid.core.RestoreReport;
import io.btfshybrid.core.ScrubFinding;
import io.btfshybrid.core.ScrubReport;
import io.btfshybrid.core.TrustRoot;
import io.btfshybrid.s3.S3Tier;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scrub, repair and restore over the three real kinds of tier: a replica directory, S3Proxy and the
 * BTFS node simulator. A release is damaged (a flipped byte, a deleted copy, an unpinned BTFS copy,
 * a lost index blob and manifest), scrubbed, repaired and scrubbed clean; then the replica and the
 * cloud are wiped and the release restored from BTFS into a fresh directory a client alone reads.
 */
class ReleaseOperationsEndToEndTest {
  private static final int CHUNK = 64 << 10;

  @TempDir Path dir;
  private final List<AutoCloseable> closeLater = new ArrayList<>();
  private S3TestServer s3;
  private BtfsNodeSimulator node;
  private FileTier mirror;
  private S3Tier cloud;
  private BtfsTier btfs;
  private ManifestSigner signer;
  private TestDatasets.SourceTree source;
  private PublishResult published;

  @BeforeEach
  void publish() throws IOException {
    s3 = closing(S3TestServer.start());
    node = closing(BtfsNodeSimulator.start(dir.resolve("node")));
    mirror =
        FileTier.builder()
            .id("mirror")
            .kind(TierKind.REPLICA)
            .region("eu-west-1")
            .root(dir.resolve("mirror"))
            .build();
    cloud = closing(s3.tierBuilder("cloud").kind(TierKind.CLOUD).build());
    btfs =
        closing(
            BtfsTier.builder()
                .id("btfs")
                .apiUrl(node.apiUrl())
                .requestTimeout(Duration.ofSeconds(2))
                .build());
    signer = ManifestSigner.generate();
    source = TestDatasets.write(dir.resolve("source"), 3, 3 * 200_000L + 7, 11);
    StringBuilder jsonl = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      jsonl.append("{\"sample\":").append(i).append("}\n");
    }
    Files.writeString(source.root().resolve("samples.jsonl"), jsonl, StandardCharsets.UTF_8);
    published =
        DatasetPublisher.builder()
            .tiers(List.of(mirror, cloud, btfs))
            .signer(signer)
            .chunkSize(CHUNK)
            .build()
            .publish(source.root(), "ops", "1.0.0");
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

  private ReleaseOperations ops() throws IOException {
    return closing(
        ReleaseOperations.builder()
            .tier(mirror)
            .tier(cloud)
            .tier(btfs)
            .trust(TrustRoot.of(signer.publicKeyset()))
            .parallelism(3)
            .build());
  }

  private ShardEntry shard(String path) {
    return published.manifest().shard(path).orElseThrow();
  }

  private Path onMirror(String key) {
    return mirror.root().resolve(key);
  }

  private static Map<String, CopyStatus> statuses(ScrubReport r) {
    Map<String, CopyStatus> out = new TreeMap<>();
    for (ScrubFinding f : r.findings()) {
      out.put(f.object() + " @ " + f.tierId(), f.status());
    }
    return out;
  }

  @Test
  void scrubFindsEachDamageRepairFixesItAndScrubComesBackClean() throws IOException {
    ReleaseOperations ops = ops();
    URI uri = published.manifestUri();
    ScrubReport fresh = ops.scrub(uri);
    assertTrue(fresh.clean(), fresh.problems().toString());
    // 3 shards + 1 jsonl shard + its index blob + manifest + latest pointer, on 3 tiers
    assertEquals(7 * 3, fresh.findings().size(), fresh.findings().toString());
    assertTrue(
        fresh.goodCopies().values().stream().allMatch(n -> n == 3), fresh.goodCopies()::toString);

    String a = source.shards().get(0);
    String b = source.shards().get(1);
    String c = source.shards().get(2);
    Path flipped = onMirror(BlobKeys.of(shard(a)));
    byte[] bytes = Files.readAllBytes(flipped);
    bytes[CHUNK + 5] ^= 0x40; // in chunk 1
    Files.write(flipped, bytes);
    cloud.delete(cloud.locate(BlobKeys.of(shard(b))).orElseThrow());
    LocationHint onBtfs =
        shard(c).locations().stream().filter(h -> h.tierId().equals("btfs")).findFirst().get();
    assertTrue(btfs.unpin(BtfsTier.cidOf(onBtfs.locator())));
    String indexKey = BlobKeys.of(shard("samples.jsonl").sampleIndex().sha256());
    Files.delete(onMirror(indexKey));
    Files.delete(onMirror("manifests/ops/1.0.0.json"));

    ScrubReport damaged = ops.scrub(uri);
    assertFalse(damaged.clean());
    assertTrue(damaged.damaged());
    Map<String, CopyStatus> expected = new TreeMap<>(statuses(fresh));
    expected.put("shard " + a + " @ mirror", CopyStatus.CORRUPT);
    expected.put("shard " + b + " @ cloud", CopyStatus.MISSING);
    expected.put("index samples.jsonl @ mirror", CopyStatus.MISSING);
    expected.put("manifest r1 @ mirror", CopyStatus.MISSING);
    assertEquals(expected, statuses(damaged));
    ScrubFinding corrupt = find(damaged, "shard " + a, "mirror");
    assertEquals(OptionalInt.of(1), corrupt.firstBadChunk());
    ScrubFinding unpinned = find(damaged, "shard " + c, "btfs");
    assertEquals(Optional.of(false), unpinned.pinned());
    assertTrue(unpinned.damaged());
    assertEquals(
        Set.of(
            "shard " + a + "@mirror",
            "shard " + b + "@cloud",
            "shard " + c + "@btfs",
            "index samples.jsonl@mirror",
            "manifest r1@mirror"),
        damaged.problems().stream()
            .map(f -> f.object() + "@" + f.tierId())
            .collect(Collectors.toSet()));

    RepairReport dry = ops.repair(uri, RepairPolicy.copies(3).dryRun());
    assertEquals(5, dry.copiesMade().size(), dry.copiesMade().toString());
    assertEquals(statuses(damaged), statuses(ops.scrub(uri)), "a dry run changes nothing");
    assertFalse(node.isPinned(BtfsTier.cidOf(onBtfs.locator())));

    RepairReport repair = ops.repair(uri, RepairPolicy.copies(3));
    Map<String, RepairReport.Action> actions = new TreeMap<>();
    repair.copiesMade().forEach(m -> actions.put(m.object() + "@" + m.toTierId(), m.action()));
    assertEquals(
        Map.of(
            "shard " + a + "@mirror",
            RepairReport.Action.REPLACED,
            "shard " + b + "@cloud",
            RepairReport.Action.COPIED,
            "shard " + c + "@btfs",
            RepairReport.Action.REPINNED,
            "index samples.jsonl@mirror",
            RepairReport.Action.COPIED,
            "manifest r1@mirror",
            RepairReport.Action.COPIED),
        actions);
    assertEquals(List.of(), repair.shortfalls());
    for (RepairReport.Copy m : repair.copiesMade()) {
      ScrubFinding source = find(damaged, m.object(), m.fromTierId());
      // copied from a verified copy (a re-pinned one is its own, intact, source)
      assertEquals(CopyStatus.OK, source.status(), m + " from " + source);
    }
    assertTrue(node.isPinned(BtfsTier.cidOf(onBtfs.locator())));

    ScrubReport after = ops.scrub(uri);
    assertTrue(after.clean(), after.problems().toString());
    assertEquals(statuses(fresh), statuses(after));
    assertTrue(after.goodCopies().values().stream().allMatch(n -> n == 3));
    Set<String> domains = new HashSet<>();
    for (StorageTier t : List.of(mirror, cloud, btfs)) {
      domains.add(t.kind() + "/" + t.region().orElse(""));
    }
    assertEquals(3, domains.size(), "the three copies are in distinct failure domains");
    assertArrayEquals(
        Files.readAllBytes(source.root().resolve(a)), readShard(a, mirror), "the replaced copy");

    RepairReport again = ops.repair(uri, RepairPolicy.copies(3));
    assertEquals(List.of(), again.copiesMade(), "repair is idempotent");
    RepairReport more = ops.repair(uri, RepairPolicy.copies(4));
    assertEquals(List.of(), more.copiesMade());
    assertEquals(7, more.shortfalls().size());
    assertTrue(
        more.shortfalls().get(0).reason().contains("3 failure domain"),
        more.shortfalls().toString());
  }

  @Test
  void anUnreachableTierIsReportedAsSuchAndNotRepairedOver() throws IOException {
    FaultInjectingTier down = FaultInjectingTier.wrap(cloud).failReads();
    try (ReleaseOperations ops =
        ReleaseOperations.builder()
            .tier(mirror)
            .tier(down)
            .tier(btfs)
            .trust(TrustRoot.of(signer.publicKeyset()))
            .build()) {
      ScrubReport r = ops.scrub(published.manifestUri());
      assertFalse(r.clean());
      assertFalse(r.damaged());
      assertTrue(r.unreachable());
      for (ScrubFinding f : r.findings()) {
        assertEquals(
            f.tierId().equals("cloud") ? CopyStatus.UNREACHABLE : CopyStatus.OK,
            f.status(),
            f.toString());
      }
      RepairReport repair = ops.repair(published.manifestUri(), RepairPolicy.copies(3));
      assertEquals(List.of(), repair.copiesMade());
      assertEquals(7, repair.shortfalls().size());
      assertTrue(repair.shortfalls().get(0).reason().contains("'cloud' is unreachable"));
    }
  }

  @Test
  void aStoppedScrubResumesFromItsCheckpoint() throws IOException {
    Path checkpoint = dir.resolve("scrub.checkpoint");
    ScrubReport first = ops().scrub(published.manifestUri(), checkpoint);
    assertTrue(first.clean());
    // every settled copy is on record: a second run reads nothing again, even from a damaged tier
    Files.delete(onMirror(BlobKeys.of(shard(source.shards().get(0)))));
    ScrubReport resumed = ops().scrub(published.manifestUri(), checkpoint);
    assertEquals(statuses(first), statuses(resumed));
    assertEquals(first.findings().size() + 1, Files.readAllLines(checkpoint).size());
    Files.delete(checkpoint);
    assertEquals(
        CopyStatus.MISSING,
        find(
                ops().scrub(published.manifestUri(), checkpoint),
                "shard " + source.shards().get(0),
                "mirror")
            .status());
  }

  @Test
  void wipedReplicaAndCloudAreRestoredFromBtfsIntoAFreshDirectory() throws IOException {
    Locator manifestOnBtfs =
        published.manifestLocations().stream()
            .filter(l -> l.tierId().equals("btfs"))
            .findFirst()
            .orElseThrow();
    com.google.common.io.MoreFiles.deleteRecursively(mirror.root());
    for (ShardEntry s : published.manifest().shards()) {
      cloud.delete(cloud.locate(BlobKeys.of(s)).orElseThrow());
      if (s.hasSampleIndex()) {
        cloud.delete(cloud.locate(BlobKeys.of(s.sampleIndex().sha256())).orElseThrow());
      }
    }
    cloud.delete(cloud.locate("manifests/ops/1.0.0.json").orElseThrow());
    cloud.delete(cloud.locate("manifests/ops/latest.json").orElseThrow());

    FileTier fresh =
        FileTier.builder()
            .id("fresh")
            .kind(TierKind.REPLICA)
            .region("eu-west-1")
            .root(dir.resolve("fresh"))
            .build();
    RestoreReport restore = ops().restore(manifestOnBtfs.uri(), "btfs", fresh);
    long stored =
        published.manifest().shards().stream().mapToLong(ShardEntry::storedSize).sum()
            + shard("samples.jsonl").sampleIndex().size();
    assertTrue(restore.bytes() > stored, restore.toString());
    assertEquals(4 + 1 + 1, restore.objects().size(), restore.objects().toString());
    assertTrue(restore.duration().toNanos() > 0);
    assertTrue(restore.skipped().get(0).startsWith("latest pointer"), restore.skipped().toString());

    try (DatasetClient client =
            DatasetClient.builder().trust(TrustRoot.of(signer.publicKeyset())).tier(fresh).build();
        Dataset ds = client.open(published.manifestUri())) {
      for (ShardEntry s : ds.shards()) {
        try (InputStream in = ds.openShard(s.path())) {
          assertArrayEquals(
              Files.readAllBytes(source.root().resolve(s.path())), in.readAllBytes(), s.path());
        }
      }
    }
  }

  private byte[] readShard(String path, StorageTier only) throws IOException {
    try (DatasetClient client =
            DatasetClient.builder().trust(TrustRoot.of(signer.publicKeyset())).tier(only).build();
        Dataset ds = client.open(published.manifestUri());
        InputStream in = ds.openShard(path)) {
      return in.readAllBytes();
    }
  }

  private static ScrubFinding find(ScrubReport r, String object, String tier) {
    return r.findings().stream()
        .filter(f -> f.object().equals(object) && f.tierId().equals(tier))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no finding for " + object + " @ " + tier));
  }
}
