package io.btfshybrid.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.LocationHint;
import io.btfshybrid.api.ObjectInfo;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.TierKind;
import io.btfshybrid.btfs.BtfsTier;
import io.btfshybrid.core.AuditLog;
import io.btfshybrid.core.Catalog;
import io.btfshybrid.core.CatalogIncompleteException;
import io.btfshybrid.core.Dataset;
import io.btfshybrid.core.DatasetClient;
import io.btfshybrid.core.DatasetPublisher;
import io.btfshybrid.core.FileTier;
import io.btfshybrid.core.GcReport;
import io.btfshybrid.core.ManifestSigner;
import io.btfshybrid.core.PublishResult;
import io.btfshybrid.core.ReleaseInfo;
import io.btfshybrid.core.ReleaseOperations;
import io.btfshybrid.core.RetentionPolicy;
import io.btfshybrid.core.TrustRoot;
import io.btfshybrid.s3.S3Tier;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Catalog and retention over a directory replica, S3Proxy and the BTFS node simulator: three
 * versions of one dataset share some shards (and a sample index blob); garbage collection retires
 * exactly the blobs only old versions reference, on every tier, and never what a kept version
 * needs.
 */
class CatalogAndRetentionTest {
  @RegisterExtension static final S3ServerExtension S3 = new S3ServerExtension();
  private static final AtomicInteger RUN = new AtomicInteger();
  private static final String DS = "corpus";
  private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");

  @TempDir Path dir;
  private final List<AutoCloseable> closeLater = new ArrayList<>();
  private FileTier mirror;
  private S3Tier cloud;
  private BtfsTier btfs;
  private ManifestSigner signer;
  private final Map<String, PublishResult> published = new TreeMap<>();

  @BeforeEach
  void publishThreeVersions() throws IOException {
    BtfsNodeSimulator node = closing(BtfsNodeSimulator.start(dir.resolve("node")));
    mirror = FileTier.builder().id("mirror").root(dir.resolve("mirror")).build();
    cloud =
        closing(
            S3.server()
                .tierBuilder("cloud")
                .prefix("run" + RUN.incrementAndGet())
                .listPageSize(2)
                .build());
    btfs =
        closing(
            BtfsTier.builder()
                .id("btfs")
                .apiUrl(node.apiUrl())
                .requestTimeout(Duration.ofSeconds(2))
                .build());
    signer = ManifestSigner.generate();
    // shared.bin and lines.jsonl in all three; b in 1 and 2; only1.jsonl in 1 only
    publish("1.0.0", 1, Map.of("a.bin", 1, "b.bin", 2, "c.bin", 3, "only1.jsonl", 4));
    publish("2.0.0", 2, Map.of("a.bin", 1, "b.bin", 2, "d.bin", 5));
    publish("3.0.0", 3, Map.of("a.bin", 1, "e.bin", 6, "f.bin", 7));
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeLater) {
      c.close();
    }
  }

  @Test
  void keepLatestOneRemovesOnlyTheOldVersionsUnsharedBlobsOnEveryTier() throws IOException {
    GcReport report;
    try (ReleaseOperations ops = ops()) {
      report = ops.collectGarbage(RetentionPolicy.keepLatest(1), false);
    }

    assertFalse(report.dryRun());
    assertEquals(List.of("1.0.0", "2.0.0"), versionsOf(report.removed()));
    assertEquals(List.of("3.0.0"), versionsOf(report.kept()));
    assertTrue(report.failures().isEmpty(), report.failures().toString());
    Set<String> gone = blobsOf("1.0.0", "2.0.0");
    gone.removeAll(blobsOf("3.0.0"));
    // b, c, d, only1.jsonl and its index blob, lines.jsonl's index is shared
    assertEquals(5, gone.size(), gone.toString());
    for (String sha : gone) {
      assertFalse(Files.exists(mirror.root().resolve("blobs/" + sha)), sha + " left on mirror");
      assertFalse(cloudKeys().contains("blobs/" + sha), sha + " left on S3");
    }
    for (String sha : blobsOf("3.0.0")) {
      assertTrue(Files.exists(mirror.root().resolve("blobs/" + sha)), sha + " gone from mirror");
      assertTrue(cloudKeys().contains("blobs/" + sha), sha + " gone from S3");
    }
    for (String cid : btfsCids("1.0.0", "2.0.0")) {
      assertEquals(btfsCids("3.0.0").contains(cid), btfs.isPinned(cid(cid)), cid);
    }
    for (String cid : btfsCids("3.0.0")) {
      assertTrue(btfs.isPinned(cid(cid)), cid + " of the kept version was unpinned");
    }
    assertEquals(
        Set.of("manifests/corpus/3.0.0.json", "manifests/corpus/latest.json"),
        new TreeSet<>(cloudKeys().stream().filter(k -> k.startsWith("manifests/")).toList()));
    assertFalse(Files.exists(mirror.root().resolve("manifests/corpus/1.0.0.json")));
    assertTrue(Files.exists(mirror.root().resolve("manifests/corpus/3.0.0.json")));
    for (String v : List.of("1.0.0", "2.0.0")) {
      assertFalse(btfs.isPinned(cid(btfsManifest(v))), "manifest of " + v + " still pinned");
    }
    assertTrue(btfs.isPinned(cid(btfsManifest("3.0.0"))));
    // the latest still reads exactly from each key-addressed tier alone
    for (StorageTier only : List.of(mirror, cloud)) {
      assertReadsExactly(only, published.get("3.0.0"));
    }
  }

  @Test
  void dryRunReportsTheSameButChangesNothing() throws IOException {
    Map<String, List<ObjectInfo>> before = everything();
    GcReport dry;
    try (ReleaseOperations ops = ops()) {
      dry = ops.collectGarbage(RetentionPolicy.keepLatest(1), true);
    }

    assertTrue(dry.dryRun());
    assertEquals(List.of("1.0.0", "2.0.0"), versionsOf(dry.removed()));
    // 5 blobs and 2 manifests on each of three tiers
    assertEquals(21, dry.objects().size(), dry.objects().toString());
    assertTrue(dry.bytes() > 0);
    assertEquals(before, everything());
  }

  @Test
  void aHeldVersionAndTheBlobsItSharesAreKept() throws IOException {
    GcReport report;
    try (ReleaseOperations ops = ops()) {
      report =
          ops.collectGarbage(
              List.of(RetentionPolicy.keepLatest(1), RetentionPolicy.hold(DS, "1.0.0")), false);
    }

    assertEquals(List.of("2.0.0"), versionsOf(report.removed()));
    assertEquals(List.of("1.0.0", "3.0.0"), versionsOf(report.kept()));
    String d = shardSha("2.0.0", "d.bin");
    String b = shardSha("2.0.0", "b.bin");
    assertFalse(Files.exists(mirror.root().resolve("blobs/" + d)));
    assertTrue(Files.exists(mirror.root().resolve("blobs/" + b)), "b is shared with held 1.0.0");
    assertTrue(cloudKeys().contains("blobs/" + b));
    assertReadsExactly(mirror, published.get("1.0.0"));
  }

  @Test
  void theLatestPointersTargetIsKeptEvenWhenNoPolicyWouldKeepIt() throws IOException {
    // ten years on, keepNewerThan(1 day) keeps nothing by age: only the pointer's target stays
    GcReport report;
    try (ReleaseOperations ops = ops(Clock.fixed(T0.plus(Duration.ofDays(3650)), ZoneOffset.UTC))) {
      report = ops.collectGarbage(RetentionPolicy.keepNewerThan(Duration.ofDays(1)), false);
    }
    assertEquals(List.of("3.0.0"), versionsOf(report.kept()));
    assertReadsExactly(cloud, published.get("3.0.0"));
  }

  @Test
  void catalogListsWhatWasPublishedAndFlagsAnUntrustedManifest() throws IOException {
    ManifestSigner stranger = ManifestSigner.generate();
    Path src = dir.resolve("src-evil");
    TestDatasets.writeRandomFile(src.resolve("x.bin"), 100, 99);
    DatasetPublisher.builder().tier(mirror).signer(stranger).build().publish(src, "evil", "1");

    Catalog catalog;
    try (ReleaseOperations ops = ops()) {
      catalog = ops.catalog();
    }

    assertEquals(List.of(DS), catalog.datasets());
    List<ReleaseInfo> versions = catalog.versions(DS);
    assertEquals(List.of("1.0.0", "2.0.0", "3.0.0"), versionsOf(versions));
    for (int i = 0; i < 3; i++) {
      ReleaseInfo info = versions.get(i);
      PublishResult p = published.get(info.version());
      assertEquals(T0.plus(Duration.ofDays(i + 1)), info.created());
      assertEquals("team-" + (i + 1), info.owner());
      assertEquals("internal", info.classification());
      assertEquals(p.manifest().totalSize(), info.size());
      assertEquals(Optional.of(info.created().plus(Duration.ofDays(90))), info.expiry());
      assertEquals(p.manifestHash(), info.manifestHash());
      assertEquals(p.manifestUri(), info.manifestUri());
      assertEquals(i == 2, info.latest());
    }
    assertEquals("3.0.0", catalog.latest(DS).orElseThrow().version());
    assertTrue(catalog.complete(), catalog.unreadable().toString());
    assertEquals(1, catalog.rejected().size(), catalog.rejected().toString());
    assertTrue(
        catalog.rejected().get(0).contains("manifests/evil/1.json"), catalog.rejected().get(0));
  }

  @Test
  void catalogFindsManifestsOnBtfsAlone() throws IOException {
    Catalog catalog;
    try (ReleaseOperations ops =
        ReleaseOperations.builder().tier(btfs).trust(TrustRoot.of(signer.publicKeyset())).build()) {
      catalog = ops.catalog();
    }
    assertEquals(List.of("1.0.0", "2.0.0", "3.0.0"), versionsOf(catalog.versions(DS)));
    assertTrue(catalog.rejected().isEmpty(), catalog.rejected().toString());
  }

  @Test
  void aTierThatCannotBeListedStopsGcBeforeAnythingIsRemoved() throws IOException {
    FaultInjectingTier failing = FaultInjectingTier.wrap(mirror).failReads();
    Map<String, List<ObjectInfo>> before = everything();
    try (ReleaseOperations ops =
        ReleaseOperations.builder()
            .tier(failing)
            .tier(cloud)
            .tier(btfs)
            .trust(TrustRoot.of(signer.publicKeyset()))
            .build()) {
      CatalogIncompleteException e =
          assertThrows(
              CatalogIncompleteException.class,
              () -> ops.collectGarbage(RetentionPolicy.keepLatest(1), false));
      assertTrue(e.getMessage().contains("tier 'mirror' could not be listed"), e.getMessage());
    }
    assertEquals(before, everything());
  }

  @Test
  void eachDatasetFollowsItsOwnPolicyAndAppliedRetirementsAreAudited() throws IOException {
    for (String v : List.of("a", "b")) {
      Path src = dir.resolve("other-" + v);
      TestDatasets.writeRandomFile(src.resolve(v + ".bin"), 500, v.hashCode());
      DatasetPublisher.builder()
          .tier(mirror)
          .signer(signer)
          .clock(Clock.fixed(T0.plus(Duration.ofDays(v.equals("a") ? 1 : 2)), ZoneOffset.UTC))
          .build()
          .publish(src, "other", v);
    }
    Path auditFile = dir.resolve("audit.log");
    GcReport report;
    try (AuditLog audit = AuditLog.open(auditFile);
        ReleaseOperations ops =
            ReleaseOperations.builder()
                .tier(mirror)
                .tier(cloud)
                .tier(btfs)
                .trust(TrustRoot.of(signer.publicKeyset()))
                .auditLog(audit)
                .build()) {
      report =
          ops.collectGarbage(
              List.of(
                  RetentionPolicy.keepLatest(1), RetentionPolicy.keepLatest(2).forDataset("other")),
              false);
    }

    assertEquals(
        List.of("corpus@1.0.0", "corpus@2.0.0"),
        report.removed().stream().map(ReleaseInfo::release).toList());
    assertEquals(
        List.of("corpus@3.0.0", "other@a", "other@b"),
        report.kept().stream().map(ReleaseInfo::release).toList());
    assertTrue(AuditLog.verify(auditFile).ok());
    String log = Files.readString(auditFile);
    assertEquals(2, log.lines().filter(l -> l.contains("retire")).count(), log);
    assertTrue(log.contains("2.0.0") && !log.contains("\"other\""), log);
  }

  @Test
  void blobsThatAManifestWhichDoesNotVerifyNamesAreNeverRemoved() throws IOException {
    Path src = dir.resolve("src-legacy");
    Files.createDirectories(src);
    Files.copy(dir.resolve("src-1.0.0/c.bin"), src.resolve("c.bin"));
    DatasetPublisher.builder()
        .tier(mirror)
        .signer(ManifestSigner.generate()) // a key the operations do not trust
        .build()
        .publish(src, "legacy", "1");
    GcReport report;
    try (ReleaseOperations ops = ops()) {
      report = ops.collectGarbage(RetentionPolicy.keepLatest(1), false);
    }

    assertEquals(List.of("1.0.0", "2.0.0"), versionsOf(report.removed()));
    String c = shardSha("1.0.0", "c.bin");
    assertTrue(Files.exists(mirror.root().resolve("blobs/" + c)), "named by legacy@1");
    assertTrue(cloudKeys().contains("blobs/" + c));
    String b = shardSha("1.0.0", "b.bin");
    assertFalse(Files.exists(mirror.root().resolve("blobs/" + b)));
    assertTrue(Files.exists(mirror.root().resolve("manifests/legacy/1.json")));
  }

  @Test
  void badPoliciesAreRefusedNamingTheValue() {
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> RetentionPolicy.keepLatest(0))
            .getMessage()
            .contains("got 0"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> RetentionPolicy.keepNewerThan(Duration.ofDays(-1)))
            .getMessage()
            .contains("PT-24H"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> RetentionPolicy.hold("a/b", "1"))
            .getMessage()
            .contains("'a/b'"));
  }

  // ---- helpers ----

  private void publish(String version, int day, Map<String, Integer> files) throws IOException {
    Path src = dir.resolve("src-" + version);
    for (Map.Entry<String, Integer> f : files.entrySet()) {
      if (f.getKey().endsWith(".bin")) {
        TestDatasets.writeRandomFile(src.resolve(f.getKey()), 3000 + f.getValue(), f.getValue());
      }
    }
    Files.writeString(src.resolve("lines.jsonl"), "{\"a\":1}\n{\"b\":2}\n", StandardCharsets.UTF_8);
    if (files.containsKey("only1.jsonl")) {
      Files.writeString(src.resolve("only1.jsonl"), "{\"only\":1}\n", StandardCharsets.UTF_8);
    }
    PublishResult result =
        DatasetPublisher.builder()
            .tier(mirror)
            .tier(cloud)
            .tier(btfs)
            .signer(signer)
            .owner("team-" + day)
            .classification("internal")
            .expiresAfter(Duration.ofDays(90))
            .clock(Clock.fixed(T0.plus(Duration.ofDays(day)), ZoneOffset.UTC))
            .build()
            .publish(src, DS, version);
    published.put(version, result);
  }

  private ReleaseOperations ops() throws IOException {
    return ops(Clock.fixed(T0.plus(Duration.ofDays(10)), ZoneOffset.UTC));
  }

  private ReleaseOperations ops(Clock clock) throws IOException {
    return ReleaseOperations.builder()
        .tier(mirror)
        .tier(cloud)
        .tier(btfs)
        .trust(TrustRoot.of(signer.publicKeyset()))
        .clock(clock)
        .build();
  }

  private Set<String> blobsOf(String... versions) {
    Set<String> shas = new HashSet<>();
    for (String v : versions) {
      for (ShardEntry s : published.get(v).manifest().shards()) {
        shas.add(s.storedSha256());
        if (s.hasSampleIndex()) {
          shas.add(s.sampleIndex().sha256());
        }
      }
    }
    return shas;
  }

  private Set<String> btfsCids(String... versions) {
    Set<String> cids = new HashSet<>();
    for (String v : versions) {
      for (ShardEntry s : published.get(v).manifest().shards()) {
        List<LocationHint> hints = new ArrayList<>(s.locations());
        if (s.hasSampleIndex()) {
          hints.addAll(s.sampleIndex().locations());
        }
        for (LocationHint h : hints) {
          if (h.kind() == TierKind.BTFS) {
            cids.add(h.uri().getAuthority());
          }
        }
      }
    }
    assertFalse(cids.isEmpty(), "BTFS hints in the manifests");
    return cids;
  }

  private String btfsManifest(String version) {
    return published.get(version).manifestLocations().stream()
        .filter(l -> l.tierId().equals("btfs"))
        .findFirst()
        .orElseThrow()
        .uri()
        .getAuthority();
  }

  private static io.btfshybrid.btfs.Cid cid(String text) {
    return io.btfshybrid.btfs.Cid.parse(text);
  }

  private String shardSha(String version, String path) {
    return published.get(version).manifest().shard(path).orElseThrow().storedSha256();
  }

  private Set<String> cloudKeys() throws IOException {
    Set<String> keys = new TreeSet<>();
    String prefix = "/run" + RUN.get() + "/";
    for (ObjectInfo o : cloud.list("")) {
      String path = o.locator().uri().getPath();
      keys.add(path.substring(path.indexOf(prefix) + prefix.length()));
    }
    return keys;
  }

  private Map<String, List<ObjectInfo>> everything() throws IOException {
    Map<String, List<ObjectInfo>> all = new TreeMap<>();
    for (StorageTier t : List.of(mirror, cloud, btfs)) {
      List<ObjectInfo> listed = new ArrayList<>();
      for (ObjectInfo o : t.list("")) {
        listed.add(new ObjectInfo(o.locator(), o.size()));
      }
      all.put(t.id(), listed);
    }
    return all;
  }

  private static List<String> versionsOf(List<ReleaseInfo> infos) {
    return infos.stream().map(ReleaseInfo::version).toList();
  }

  private void assertReadsExactly(StorageTier only, PublishResult release) throws IOException {
    try (DatasetClient client =
            DatasetClient.builder()
                .tier(only)
                .trust(TrustRoot.of(signer.publicKeyset()))
                .allowExpired(true)
                .cacheDirectory(dir.resolve("cache-" + only.id() + "-" + RUN.get()))
                .build();
        Dataset ds = client.open(release.manifestUri())) {
      for (ShardEntry s : ds.shards()) {
        try (InputStream in = ds.openShard(s.path())) {
          assertArrayEquals(
              Files.readAllBytes(
                  dir.resolve("src-" + release.manifest().version()).resolve(s.path())),
              in.readAllBytes(),
              s.path() + " from " + only.id());
        }
      }
    }
  }

  private <T extends AutoCloseable> T closing(T c) {
    closeLater.add(c);
    return c;
  }
}
