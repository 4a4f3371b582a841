package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.ManifestRejectedException;
import io.btfshybrid.api.ManifestRejectedException.Reason;
import io.btfshybrid.api.TierKind;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TUF-style freshness: manifest expiry, the signed latest pointer and rollback protection. */
class FreshnessTest {
  static final Instant T0 = Instant.parse("2026-01-10T12:00:00Z");

  @TempDir Path tmp;
  Path source;
  FileTier replica;
  FileTier cloud;
  ManifestSigner signer;

  @BeforeEach
  void setUp() throws IOException {
    source = Releases.sampleSource(tmp.resolve("src"));
    replica = Releases.tier(tmp.resolve("replica"), "mirror", TierKind.REPLICA);
    cloud = Releases.tier(tmp.resolve("cloud"), "cloud", TierKind.CLOUD);
    signer = ManifestSigner.generate();
  }

  /** Makes every tier serve {@code document} as the dataset's latest pointer. */
  void serveLatest(byte[] document) throws IOException {
    for (FileTier t : List.of(replica, cloud)) {
      Files.write(t.root().resolve("manifests/demo/latest.json"), document);
    }
  }

  static Clock at(Instant t) {
    return Clock.fixed(t, ZoneOffset.UTC);
  }

  DatasetPublisher.Builder publisher(Instant now) {
    return DatasetPublisher.builder().tier(replica).tier(cloud).signer(signer).clock(at(now));
  }

  DatasetClient.Builder client(Instant now) {
    return DatasetClient.builder()
        .tier(replica)
        .tier(cloud)
        .trust(TrustRoot.of(signer.publicKeyset()))
        .clock(at(now));
  }

  @Test
  void anExpiredManifestIsRefusedUnlessExpiryIsExplicitlyAllowed() throws IOException {
    PublishResult release =
        publisher(T0).expiresAfter(Duration.ofDays(30)).build().publish(source, "demo", "1.0.0");
    assertEquals(T0.plus(Duration.ofDays(30)), release.manifest().expiresAt().orElseThrow());
    try (DatasetClient client = client(T0.plus(Duration.ofDays(29))).build()) {
      client.open(release.manifestUri()).close();
    }
    try (DatasetClient client = client(T0.plus(Duration.ofDays(31))).build()) {
      ManifestRejectedException e =
          assertThrows(ManifestRejectedException.class, () -> client.open(release.manifestUri()));
      assertEquals(Reason.EXPIRED, e.reason());
    }
    try (DatasetClient client = client(T0.plus(Duration.ofDays(31))).allowExpired(true).build();
        Dataset ds = client.open(release.manifestUri())) {
      assertEquals("1.0.0", ds.manifest().version());
    }
  }

  @Test
  void theLatestPointerFollowsEachPublication() throws IOException {
    DatasetPublisher publisher = publisher(T0).build();
    PublishResult v1 = publisher.publish(source, "demo", "1.0.0");
    assertEquals(URI.create("btfs-hybrid://manifests/demo/latest.json"), v1.latestUri());
    try (DatasetClient client = client(T0).build();
        Dataset ds = client.open(v1.latestUri())) {
      assertEquals("1.0.0", ds.manifest().version());
    }
    Releases.write(source, "new.bin", Releases.random(7, 1000));
    PublishResult v2 = publisher.publish(source, "demo", "2.0.0");
    try (DatasetClient client = client(T0).build();
        Dataset ds = client.open(v2.latestUri())) {
      assertEquals("2.0.0", ds.manifest().version());
      assertEquals(v2.manifestHash(), ds.manifestHash());
    }
  }

  @Test
  void anOlderPointerReplayedAfterANewerOneWasSeenIsRefused() throws IOException {
    DatasetPublisher publisher = publisher(T0).build();
    PublishResult v1 = publisher.publish(source, "demo", "1.0.0");
    byte[] oldPointer = Files.readAllBytes(replica.root().resolve("manifests/demo/latest.json"));
    Releases.write(source, "new.bin", Releases.random(7, 1000));
    publisher.publish(source, "demo", "2.0.0");
    Path state = tmp.resolve("trust-state");
    try (DatasetClient client = client(T0).trustStateDirectory(state).build();
        Dataset ds = client.open(v1.latestUri())) {
      assertEquals("2.0.0", ds.manifest().version());
    }
    // every tier now serves the old, validly signed, unexpired pointer
    serveLatest(oldPointer);
    // a new client (a restart) with the same state directory refuses it
    try (DatasetClient client = client(T0).trustStateDirectory(state).build()) {
      ManifestRejectedException e =
          assertThrows(ManifestRejectedException.class, () -> client.open(v1.latestUri()));
      assertEquals(Reason.ROLLBACK, e.reason());
      // the specific, immutable release stays openable
      try (Dataset ds = client.open(v1.manifestUri())) {
        assertEquals("1.0.0", ds.manifest().version());
      }
    }
    // a client that never saw the newer pointer has no way to know, and follows it
    try (DatasetClient client = client(T0).build();
        Dataset ds = client.open(v1.latestUri())) {
      assertEquals("1.0.0", ds.manifest().version());
    }
  }

  @Test
  void theNewestPointerOnAnyTierWinsOverAStaleTier() throws IOException {
    DatasetPublisher publisher = publisher(T0).build();
    publisher.publish(source, "demo", "1.0.0");
    byte[] oldPointer = Files.readAllBytes(replica.root().resolve("manifests/demo/latest.json"));
    Releases.write(source, "new.bin", Releases.random(7, 1000));
    PublishResult v2 = publisher.publish(source, "demo", "2.0.0");
    Files.write(
        replica.root().resolve("manifests/demo/latest.json"), oldPointer); // the replica lags
    try (DatasetClient client = client(T0).build();
        Dataset ds = client.open(v2.latestUri())) {
      assertEquals("2.0.0", ds.manifest().version());
    }
  }

  @Test
  void anExpiredPointerIsRefusedAndRefreshingRenewsIt() throws IOException {
    PublishResult v1 =
        publisher(T0)
            .latestExpiresAfter(Duration.ofHours(1))
            .build()
            .publish(source, "demo", "1.0.0");
    Instant later = T0.plus(Duration.ofHours(2));
    try (DatasetClient client = client(later).build()) {
      ManifestRejectedException e =
          assertThrows(ManifestRejectedException.class, () -> client.open(v1.latestUri()));
      assertEquals(Reason.EXPIRED, e.reason());
      client.open(v1.manifestUri()).close(); // the manifest itself has no expiry
    }
    publisher(later).latestExpiresAfter(Duration.ofHours(1)).build().refreshLatest("demo");
    try (DatasetClient client = client(later).build();
        Dataset ds = client.open(v1.latestUri())) {
      assertEquals("1.0.0", ds.manifest().version());
    }
  }

  @Test
  void aPointerSignedByAnUnknownKeyOrNamingAnotherManifestIsRefused() throws IOException {
    PublishResult v1 = publisher(T0).build().publish(source, "demo", "1.0.0");
    ManifestSigner stranger = ManifestSigner.generate();
    LatestPointer forged =
        new LatestPointer(
            "demo",
            99,
            "1.0.0",
            1,
            "manifests/demo/1.0.0.json",
            "0".repeat(64),
            T0,
            T0.plus(Duration.ofDays(1)));
    byte[] doc = stranger.envelope(SignedEnvelope.LATEST_TYPE, forged.toCanonicalJson()).toJson();
    serveLatest(doc);
    try (DatasetClient client = client(T0).build()) {
      ManifestRejectedException e =
          assertThrows(ManifestRejectedException.class, () -> client.open(v1.latestUri()));
      assertEquals(Reason.UNKNOWN_KEY, e.reason());
    }
    // validly signed, but naming a manifest hash that is not the stored manifest's
    byte[] wrongHash =
        signer.envelope(SignedEnvelope.LATEST_TYPE, forged.toCanonicalJson()).toJson();
    serveLatest(wrongHash);
    try (DatasetClient client = client(T0).build()) {
      ManifestRejectedException e =
          assertThrows(ManifestRejectedException.class, () -> client.open(v1.latestUri()));
      assertEquals(Reason.HASH_MISMATCH, e.reason());
    }
  }

  @Test
  void latestIsNotAVersionName() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> publisher(T0).build().publish(source, "demo", "latest"));
    assertTrue(e.getMessage().contains("latest"), e.getMessage());
  }
}
