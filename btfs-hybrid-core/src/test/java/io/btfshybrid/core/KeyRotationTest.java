package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.KeyManagementService;
import io.btfshybrid.api.KeyUnavailableException;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.TierKind;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rotating the KEK writes a new manifest revision and nothing else. */
class KeyRotationTest {
  @TempDir Path tmp;
  final TestClock clock = new TestClock(java.time.Instant.parse("2026-03-01T12:00:00Z"));
  Path source;
  FileTier replica;
  FileTier cloud;
  ManifestSigner signer;
  LocalKeyManagementService kms;
  DatasetPublisher publisher;
  PublishResult release;

  @BeforeEach
  void publish() throws IOException {
    source = Releases.sampleSource(tmp.resolve("src"));
    replica = Releases.tier(tmp.resolve("replica"), "mirror", TierKind.REPLICA);
    cloud = Releases.tier(tmp.resolve("cloud"), "cloud", TierKind.CLOUD);
    signer = ManifestSigner.generate();
    kms = LocalKeyManagementService.generate(tmp.resolve("kek.json"), "kek-1", "kek-2", "kek-3");
    publisher =
        DatasetPublisher.builder()
            .tier(replica)
            .tier(cloud)
            .signer(signer)
            .chunkSize(Releases.CHUNK)
            .encryptWith(kms, "kek-1")
            .clock(clock)
            .build();
    release = publisher.publish(source, "demo", "1.0.0");
    clock.advance(java.time.Duration.ofHours(1));
  }

  /** The KMS with only {@code kekIds} still usable (the others retired). */
  KeyManagementService only(String... kekIds) {
    Set<String> allowed = Set.of(kekIds);
    return new KeyManagementService() {
      @Override
      public Set<String> keyIds() {
        return allowed;
      }

      @Override
      public byte[] wrap(String kekId, byte[] dataKey, byte[] context) throws IOException {
        throw new UnsupportedOperationException();
      }

      @Override
      public byte[] unwrap(String kekId, byte[] wrappedKey, byte[] context) throws IOException {
        if (!allowed.contains(kekId)) {
          throw new KeyUnavailableException(kekId, "retired");
        }
        return kms.unwrap(kekId, wrappedKey, context);
      }
    };
  }

  DatasetClient client(KeyManagementService keys) throws IOException {
    return DatasetClient.builder()
        .tier(replica)
        .tier(cloud)
        .trust(TrustRoot.of(signer.publicKeyset()))
        .keyManagement(keys)
        .clock(clock)
        .build();
  }

  Map<String, byte[]> readAll(Dataset ds) throws IOException {
    Map<String, byte[]> out = new java.util.TreeMap<>();
    for (ShardEntry s : ds.shards()) {
      out.put(s.path(), Releases.readAll(ds.openShard(s.path())));
    }
    return out;
  }

  @Test
  void rotationLeavesEveryStoredObjectUntouchedAndTheNewRevisionDecrypts() throws IOException {
    Map<String, String> replicaBefore = Releases.snapshot(replica.root());
    Map<String, String> cloudBefore = Releases.snapshot(cloud.root());

    PublishResult rotated = publisher.rotateKey(release.manifestUri(), "kek-2");

    assertEquals(2, rotated.manifest().revision());
    assertEquals(clock.instant(), rotated.manifest().createdAt(), "the revision is dated now");
    assertEquals(
        clock.instant().minus(java.time.Duration.ofHours(1)), release.manifest().createdAt());
    assertEquals("kek-2", rotated.manifest().encryption().orElseThrow().kekId());
    assertEquals(release.manifest().shards(), rotated.manifest().shards());
    assertNotEquals(release.manifestHash(), rotated.manifestHash());
    assertEquals(0, rotated.bytesUploaded());
    assertEquals(
        URI.create("btfs-hybrid://manifests/demo/1.0.0/r2.json?sha256=" + rotated.manifestHash()),
        rotated.manifestUri());
    for (var pair : List.of(Map.entry(replica, replicaBefore), Map.entry(cloud, cloudBefore))) {
      Map<String, String> after = Releases.snapshot(pair.getKey().root());
      Map<String, String> untouched =
          after.entrySet().stream()
              .filter(
                  e ->
                      !e.getKey().equals("manifests/demo/latest.json")
                          && !e.getKey().endsWith("/r2.json"))
              .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
      Map<String, String> before =
          pair.getValue().entrySet().stream()
              .filter(e -> !e.getKey().equals("manifests/demo/latest.json"))
              .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
      assertEquals(
          before,
          untouched,
          "every blob and the revision-1 manifest are the very same files, byte for byte");
      assertTrue(after.containsKey("manifests/demo/1.0.0/r2.json"));
    }

    Map<String, byte[]> expected = new java.util.TreeMap<>();
    for (ShardEntry s : release.manifest().shards()) {
      expected.put(s.path(), Files.readAllBytes(source.resolve(s.path())));
    }
    try (DatasetClient client = client(only("kek-2"));
        Dataset ds = client.open(rotated.manifestUri())) {
      Map<String, byte[]> got = readAll(ds);
      assertEquals(expected.keySet(), got.keySet());
      expected.forEach((path, bytes) -> assertArrayEquals(bytes, got.get(path), path));
    }
    // the latest pointer moved to the new revision
    try (DatasetClient client = client(only("kek-2"));
        Dataset ds = client.open(release.latestUri())) {
      assertEquals(2, ds.manifest().revision());
      assertEquals(rotated.manifestHash(), ds.manifestHash());
      assertArrayEquals(expected.get("README"), Releases.readAll(ds.openShard("README")));
    }
    // with kek-1 retired, the old revision no longer yields its key
    try (DatasetClient client = client(only("kek-2"));
        Dataset ds = client.open(release.manifestUri())) {
      KeyUnavailableException e =
          assertThrows(KeyUnavailableException.class, () -> ds.openShard("README"));
      assertEquals("kek-1", e.kekId());
    }
  }

  @Test
  void theSnapshotSeesARewriteOfTheSameBytes() throws IOException {
    String key = "manifests/demo/1.0.0.json";
    Map<String, String> before = Releases.snapshot(replica.root());
    byte[] same = Files.readAllBytes(replica.root().resolve(key));
    replica.write(key, new java.io.ByteArrayInputStream(same), same.length);
    assertNotEquals(before.get(key), Releases.snapshot(replica.root()).get(key));
  }

  @Test
  void rotatingAgainMakesTheNextRevision() throws IOException {
    PublishResult second = publisher.rotateKey(release.manifestUri(), "kek-2");
    PublishResult third = publisher.rotateKey(release.latestUri(), "kek-3");
    assertEquals(2, second.manifest().revision());
    assertEquals(3, third.manifest().revision());
    try (DatasetClient client = client(only("kek-3"));
        Dataset ds = client.open(release.latestUri())) {
      assertEquals(3, ds.manifest().revision());
      assertArrayEquals(
          Files.readAllBytes(source.resolve("val/small.txt")),
          Releases.readAll(ds.openShard("val/small.txt")));
    }
  }

  @Test
  void aManifestServedUnderAnotherRevisionsAddressIsRefused() throws IOException {
    PublishResult rotated = publisher.rotateKey(release.manifestUri(), "kek-2");
    // an attacker puts revision 1 (old KEK) where revision 2 should be
    Path r2 = replica.root().resolve("manifests/demo/1.0.0/r2.json");
    Files.copy(
        replica.root().resolve("manifests/demo/1.0.0.json"),
        r2,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.copy(
        r2,
        cloud.root().resolve("manifests/demo/1.0.0/r2.json"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    try (DatasetClient client = client(kms)) {
      io.btfshybrid.api.ManifestRejectedException e =
          assertThrows(
              io.btfshybrid.api.ManifestRejectedException.class,
              () -> client.open(URI.create("btfs-hybrid://manifests/demo/1.0.0/r2.json")));
      assertTrue(e.getMessage().contains("revision 1"), e.getMessage());
      assertThrows(
          io.btfshybrid.api.ManifestRejectedException.class,
          () -> client.open(rotated.manifestUri()));
    }
  }

  @Test
  void anUnencryptedReleaseHasNoKeyToRotate() throws IOException {
    DatasetPublisher plain =
        DatasetPublisher.builder().tier(replica).signer(signer).clock(clock).build();
    PublishResult p = plain.publish(source, "plain", "1");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> publisher.rotateKey(p.manifestUri(), "kek-2"));
    assertTrue(e.getMessage().contains("not encrypted"), e.getMessage());
    assertThrows(
        KeyUnavailableException.class, () -> publisher.rotateKey(release.manifestUri(), "kek-9"));
  }
}
