package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.TierKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tier health kept in a state directory survives restarts: a liar starts the next day demoted. */
class HealthPersistenceTest {
  static final String BIG = "train/000000.bin";

  @TempDir Path tmp;
  Path source;
  Path state;
  FileTier replica;
  FileTier cloud;
  ManifestSigner signer;
  PublishResult release;
  TestClock clock = new TestClock(Instant.parse("2026-03-01T08:00:00Z"));

  @BeforeEach
  void publish() throws IOException {
    source = Releases.sampleSource(tmp.resolve("src"));
    state = tmp.resolve("state");
    replica = Releases.tier(tmp.resolve("replica"), "mirror", TierKind.REPLICA);
    cloud = Releases.tier(tmp.resolve("cloud"), "cloud", TierKind.CLOUD);
    signer = ManifestSigner.generate();
    release = Releases.publisher(signer, List.of(replica, cloud)).publish(source, "h", "1");
  }

  DatasetClient client(boolean remember) throws IOException {
    DatasetClient.Builder b =
        DatasetClient.builder()
            .tier(cloud)
            .tier(replica)
            .trust(TrustRoot.of(signer.publicKeyset()))
            .clock(clock);
    return (remember ? b.healthStateDirectory(state) : b).build();
  }

  String firstChoice(DatasetClient client) throws IOException {
    try (Dataset ds = client.open(release.manifestUri())) {
      return ds.plan(BIG).get(0).tierId();
    }
  }

  /** Reads the big shard once with the replica lying about chunk 2, then restores the replica. */
  void readWhileTheReplicaLies(DatasetClient client) throws IOException {
    ShardEntry big = release.manifest().shard(BIG).orElseThrow();
    Path blob = Releases.blobFile(replica, big);
    byte[] good = Files.readAllBytes(blob);
    Releases.flipByte(blob, 2L * Releases.CHUNK + 3);
    try (Dataset ds = client.open(release.manifestUri())) {
      assertArrayEquals(
          Files.readAllBytes(source.resolve(BIG)), Releases.readAll(ds.openShard(BIG)));
    }
    Files.write(blob, good);
  }

  @Test
  void aTierThatServedWrongBytesYesterdayStartsDemotedTodayAndRecoversLater() throws IOException {
    try (DatasetClient first = client(true)) {
      assertEquals("mirror", firstChoice(first));
      readWhileTheReplicaLies(first);
      assertEquals(1, first.stats().source("mirror").integrityFailures());
    }

    clock.advance(Duration.ofHours(20)); // the next morning, a new process
    try (DatasetClient today = client(true)) {
      assertEquals("cloud", firstChoice(today), "the liar is demoted before it served anything");
      TierScorecard mirror = scorecard(today, "mirror");
      assertEquals(1, mirror.integrityFailures());
      assertFalse(mirror.healthy());
      assertEquals(0, today.stats().source("mirror").integrityFailures(), "stats: this run only");
    }
    try (DatasetClient forgetful = client(false)) {
      assertEquals("mirror", firstChoice(forgetful), "without the state nothing is remembered");
    }

    clock.advance(Duration.ofDays(2)); // distrust halves every day: trusted again
    try (DatasetClient later = client(true)) {
      assertEquals("mirror", firstChoice(later));
      assertEquals(1, scorecard(later, "mirror").integrityFailures(), "the record stays");
    }
  }

  @Test
  void anIntegrityFailureIsSavedAtOnceSoACrashDoesNotForgetIt() throws IOException {
    DatasetClient crashed = client(true); // never closed: the process died
    readWhileTheReplicaLies(crashed);
    clock.advance(Duration.ofHours(1));
    try (DatasetClient next = client(true)) {
      assertEquals("cloud", firstChoice(next));
    }
  }

  @Test
  void countersAndLatencyDistributionsAddUpAcrossRestarts() throws IOException {
    long bytes;
    try (DatasetClient first = client(true);
        Dataset ds = first.open(release.manifestUri())) {
      bytes = Releases.readAll(ds.openShard(BIG)).length;
      assertTrue(first.health().firstByteQuantile("mirror", 0.95).isPresent());
    }
    try (DatasetClient second = client(true)) {
      TierScorecard before = scorecard(second, "mirror");
      assertEquals(bytes, before.bytes());
      assertEquals(4, before.chunks());
      assertEquals(1, before.firstByte().samples());
      assertTrue(before.firstByte().p95().compareTo(Duration.ZERO) > 0);
      assertTrue(second.health().firstByteQuantile("mirror", 0.5).isPresent(), "from the state");
      try (Dataset ds = second.open(release.manifestUri())) {
        Releases.readAll(ds.openShard(BIG));
      }
      assertEquals(2 * bytes, scorecard(second, "mirror").bytes());
      assertEquals(2, scorecard(second, "mirror").firstByte().samples());
      assertEquals(4, second.stats().source("mirror").chunksServed(), "stats: this run only");
    }
    ProviderScorecard stored = ProviderScorecard.load(state, clock);
    assertEquals(2 * bytes, stored.tier("mirror").orElseThrow().bytes());
    assertEquals(8, stored.tier("mirror").orElseThrow().chunks());
    assertEquals(clock.instant(), stored.savedAt().orElseThrow());
    assertTrue(stored.warning().isEmpty());
  }

  @Test
  void aCorruptStateFileIsIgnoredWithAWarningAndReplacedOnTheNextSave() throws IOException {
    Files.createDirectories(state);
    Path file = state.resolve(HealthStateFile.FILE_NAME);
    Files.writeString(file, "{\"format\": \"btfs-hybrid-tier-health/1\", \"tiers\": [1, 2", UTF8);
    try (DatasetClient client = client(true)) {
      assertTrue(client.health().stateWarning().orElseThrow().contains(file.toString()));
      assertEquals("mirror", firstChoice(client));
      try (Dataset ds = client.open(release.manifestUri())) {
        Releases.readAll(ds.openShard(BIG));
      }
    }
    ProviderScorecard stored = ProviderScorecard.load(state, clock);
    assertTrue(stored.warning().isEmpty(), String.valueOf(stored.warning()));
    assertEquals(4, stored.tier("mirror").orElseThrow().chunks());

    // a well-formed file with an impossible value is ignored the same way
    Files.writeString(file, Files.readString(file).replace("\"chunks\" : 4", "\"chunks\" : -4"));
    ProviderScorecard refused = ProviderScorecard.load(state, clock);
    assertTrue(refused.warning().orElseThrow().contains("'chunks' is not a count"));
    assertTrue(refused.tiers().isEmpty());
  }

  static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  static TierScorecard scorecard(DatasetClient client, String tierId) {
    return client.scorecards().stream()
        .filter(s -> s.tierId().equals(tierId))
        .findFirst()
        .orElseThrow();
  }
}
