package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.TierKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drills read real shards through the verified read path under normal, tier-down and churn. */
class DrillTest {
  static final int CHUNK = Releases.CHUNK;

  @TempDir Path tmp;
  Path source;
  FileTier replica;
  FileTier cloud;
  FileTier btfs;
  ManifestSigner signer;
  PublishResult release;
  long expectedBytesPerRound;

  @BeforeEach
  void publish() throws IOException {
    source = Releases.sampleSource(tmp.resolve("src"));
    Releases.write(source, "big/wide.bin", Releases.random(9, CHUNK * 9 + 100)); // 10 chunks
    replica = Releases.tier(tmp.resolve("replica"), "mirror", TierKind.REPLICA);
    cloud = Releases.tier(tmp.resolve("cloud"), "cloud", TierKind.CLOUD);
    btfs = Releases.tier(tmp.resolve("btfs"), "btfs", TierKind.BTFS);
    signer = ManifestSigner.generate();
    release =
        Releases.publisher(signer, List.of(replica, cloud, btfs)).publish(source, "drill", "1");
  }

  ReleaseOperations ops() throws IOException {
    return ReleaseOperations.builder()
        .tiers(List.of(replica, cloud, btfs))
        .trust(TrustRoot.of(signer.publicKeyset()))
        .build();
  }

  List<ShardEntry> nonEmpty() {
    return release.manifest().shards().stream().filter(s -> s.storedSize() > 0).toList();
  }

  @Test
  void normalReadsComeFromTheReplicaWithNoFailures() throws IOException {
    int n = nonEmpty().size();
    try (ReleaseOperations ops = ops()) {
      DrillReport r = ops.drill(release.manifestUri(), Drill.normal(), 2 * n);
      assertEquals("normal", r.drill());
      assertEquals(2 * n, r.reads());
      assertTrue(r.passed(), r.toString());
      assertEquals(0, r.fallbacks());
      TierScorecard mirror = r.tier("mirror").orElseThrow();
      assertEquals(r.bytesRead(), mirror.bytes());
      assertEquals(0, r.tier("cloud").orElseThrow().bytes());
      assertEquals(0.0, mirror.failureRate());
      assertEquals(2 * n, mirror.firstByte().samples(), "one range asked per read");
      assertTrue(mirror.firstByte().p50().compareTo(mirror.firstByte().p99()) <= 0);
      assertTrue(mirror.bytesPerSecond() > 0);
      // every shard read whole except the 10-chunk one, read as a 4-chunk window (the last
      // window ends in the 100-byte chunk), twice
      long whole = nonEmpty().stream().mapToLong(ShardEntry::storedSize).sum();
      long wide = release.manifest().shard("big/wide.bin").orElseThrow().storedSize();
      long others = whole - wide;
      assertTrue(r.bytesRead() >= 2 * (others + 3L * CHUNK + 100), "" + r.bytesRead());
      assertTrue(r.bytesRead() <= 2 * (others + 4L * CHUNK), "" + r.bytesRead());
    }
  }

  @Test
  void withTheReplicaDownItsFailuresAreReportedAndNoWrongByteIsReturned() throws IOException {
    int n = nonEmpty().size();
    try (ReleaseOperations ops = ops()) {
      List<DrillReport> both =
          ops.drill(release.manifestUri(), List.of(Drill.normal(), Drill.tierDown("mirror")), n);
      DrillReport normal = both.get(0);
      DrillReport down = both.get(1);
      assertEquals("tier-down mirror", down.drill());
      assertEquals(0, down.failedReads(), down.failures().toString());
      assertEquals(0, down.wrongBytes());
      assertEquals(normal.bytesRead(), down.bytesRead(), "the same ranges, all served");
      TierScorecard mirror = down.tier("mirror").orElseThrow();
      assertTrue(mirror.errors() >= 1, mirror.toString());
      assertEquals(0, mirror.bytes());
      assertEquals(1.0, mirror.failureRate());
      assertFalse(mirror.healthy());
      assertEquals(mirror.errors(), down.fallbacks(), "every failure was followed by a fallback");
      TierScorecard cloudCard = down.tier("cloud").orElseThrow();
      assertEquals(down.bytesRead(), cloudCard.bytes(), "the cloud is next in kind order");
      assertEquals(0, cloudCard.errors());
    }
  }

  @Test
  void allTiersDownFailsEveryReadAsUnavailableAndStillReturnsNoWrongBytes() throws IOException {
    try (ReleaseOperations ops =
        ReleaseOperations.builder()
            .tier(replica)
            .trust(TrustRoot.of(signer.publicKeyset()))
            .build()) {
      DrillReport r = ops.drill(release.manifestUri(), Drill.tierDown("mirror"), 3);
      assertEquals(3, r.failedReads());
      assertEquals(0, r.integrityFailedReads());
      assertEquals(0, r.bytesRead());
      assertEquals(0, r.fallbacks());
      assertTrue(r.failures().get(0).contains("mirror"), r.failures().get(0));
      assertFalse(r.passed());
    }
  }

  @Test
  void aCorruptCopyIsCaughtAndTheReadFallsBack() throws IOException {
    ShardEntry wide = release.manifest().shard("big/wide.bin").orElseThrow();
    Path blob = Releases.blobFile(replica, wide);
    for (int k = 0; k < wide.chunkCount(); k++) {
      Releases.flipByte(blob, (long) k * CHUNK + 1); // every chunk of the replica's copy lies
    }
    try (ReleaseOperations ops = ops()) {
      DrillReport r = ops.drill(release.manifestUri(), Drill.normal(), nonEmpty().size());
      assertEquals(0, r.wrongBytes());
      assertEquals(0, r.failedReads());
      assertEquals(1, r.tier("mirror").orElseThrow().integrityFailures());
      assertEquals(1, r.fallbacks());
    }
  }

  /** Per tier: bytes, chunks, errors — what a churn run did, latency aside. */
  static Map<String, List<Long>> counts(DrillReport r) {
    return r.tiers().stream()
        .collect(
            Collectors.toMap(
                TierScorecard::tierId,
                t -> List.of(t.bytes(), t.chunks(), t.errors()),
                (a, b) -> a,
                TreeMap::new));
  }

  @Test
  void churnIsRepeatableBySeed() throws IOException {
    int reads = 60;
    try (ReleaseOperations ops = ops()) {
      DrillReport a = ops.drill(release.manifestUri(), Drill.churn(7), reads);
      DrillReport b = ops.drill(release.manifestUri(), Drill.churn(7), reads);
      DrillReport other = ops.drill(release.manifestUri(), Drill.churn(8), reads);
      assertEquals(counts(a), counts(b));
      assertEquals(a.failedReads(), b.failedReads());
      assertEquals(a.fallbacks(), b.fallbacks());
      assertEquals(a.failures(), b.failures());
      assertNotEquals(counts(a), counts(other), "another seed, other outages");
      assertEquals(0, a.wrongBytes());
      long failuresSeen = a.tiers().stream().mapToLong(TierScorecard::errors).sum();
      assertTrue(failuresSeen > 0, "tiers went down: " + a);
      assertEquals(reads, a.reads());
    }
  }

  @Test
  void anEncryptedReleaseIsDrilledWithoutKeysOverItsCiphertext() throws IOException {
    LocalKeyManagementService kms =
        LocalKeyManagementService.generate(tmp.resolve("kek.json"), "kek-1");
    PublishResult encrypted =
        DatasetPublisher.builder()
            .tiers(List.of(replica, cloud))
            .signer(signer)
            .chunkSize(CHUNK)
            .encryptWith(kms, "kek-1")
            .build()
            .publish(source, "secret", "1");
    long stored =
        encrypted.manifest().shards().stream()
            .filter(s -> s.chunkCount() <= DrillRunner.WINDOW_CHUNKS && s.storedSize() > 0)
            .mapToLong(ShardEntry::storedSize)
            .sum();
    try (ReleaseOperations ops = ops()) {
      DrillReport r =
          ops.drill(encrypted.manifestUri(), Drill.tierDown("mirror"), nonEmpty().size());
      assertTrue(r.passed(), r.toString());
      long wide = encrypted.manifest().shard("big/wide.bin").orElseThrow().storedSize();
      assertTrue(wide > 9L * CHUNK + 100, "ciphertext is longer than the plaintext");
      long window = r.bytesRead() - stored; // stored (ciphertext) bytes of the 4-chunk window
      assertTrue(window > 3L * CHUNK && window <= 4L * CHUNK, "window " + window);
      assertEquals(r.bytesRead(), r.tier("cloud").orElseThrow().bytes());
    }
  }

  @Test
  void anUnknownTierOrBadReadCountIsRefusedNamingIt() throws IOException {
    try (ReleaseOperations ops = ops()) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> ops.drill(release.manifestUri(), Drill.tierDown("nope"), 5));
      assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
      e =
          assertThrows(
              IllegalArgumentException.class,
              () -> ops.drill(release.manifestUri(), Drill.normal(), 0));
      assertTrue(e.getMessage().contains("got 0"), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> Drill.churn(1, 0));
  }

  @Test
  void theIndependentCheckCountsWrongBytes() throws IOException {
    ShardEntry wide = release.manifest().shard("big/wide.bin").orElseThrow();
    byte[] all = Files.readAllBytes(source.resolve("big/wide.bin"));
    byte[] window = java.util.Arrays.copyOfRange(all, 2 * CHUNK, 6 * CHUNK);
    assertEquals(0, DrillRunner.wrongBytes(wide, 2, 6, window));
    window[CHUNK + 7] ^= 1;
    assertEquals(CHUNK, DrillRunner.wrongBytes(wide, 2, 6, window));
    assertEquals(5, DrillRunner.wrongBytes(wide, 2, 6, new byte[5]));
  }
}
