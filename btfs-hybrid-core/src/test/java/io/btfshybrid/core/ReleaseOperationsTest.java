package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.ShardUnavailableException;
import io.btfshybrid.api.TierKind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scrub, repair and restore of an encrypted release with two manifest revisions, over file tiers,
 * with no key service anywhere near the operations: stored bytes are ciphertext and are checked by
 * the manifest's ciphertext chunk hashes.
 */
class ReleaseOperationsTest {
  private static final int CHUNK = Releases.CHUNK;

  @TempDir Path tmp;
  private FileTier replica;
  private FileTier cloud;
  private ManifestSigner signer;
  private PublishResult rotated;
  private byte[] plain;

  @BeforeEach
  void publishAndRotate() throws IOException {
    Path source = tmp.resolve("source");
    plain = Releases.random(3, 5 * CHUNK + 17);
    Releases.write(source, "a.bin", plain);
    Releases.write(source, "b.bin", Releases.random(4, 2 * CHUNK));
    replica = Releases.tier(tmp.resolve("replica"), "mirror", TierKind.REPLICA);
    cloud = Releases.tier(tmp.resolve("cloud"), "cloud", TierKind.CLOUD);
    signer = ManifestSigner.generate();
    LocalKeyManagementService kms =
        LocalKeyManagementService.generate(tmp.resolve("kek.json"), "kek-1", "kek-2");
    DatasetPublisher publisher =
        DatasetPublisher.builder()
            .tiers(List.of(replica, cloud))
            .signer(signer)
            .chunkSize(CHUNK)
            .encryptWith(kms, "kek-1")
            .tempDirectory(tmp.resolve("staging"))
            .build();
    PublishResult first = publisher.publish(source, "enc", "1");
    rotated = publisher.rotateKey(first.manifestUri(), "kek-2");
    assertEquals(2, rotated.manifest().revision());
  }

  private ReleaseOperations ops(FileTier... tiers) throws IOException {
    return ReleaseOperations.builder()
        .tiers(List.of(tiers))
        .trust(TrustRoot.of(signer.publicKeyset()))
        .build();
  }

  private ShardEntry a() {
    return rotated.manifest().shard("a.bin").orElseThrow();
  }

  private static Map<String, CopyStatus> statuses(ScrubReport r) {
    Map<String, CopyStatus> out = new TreeMap<>();
    r.findings().forEach(f -> out.put(f.object() + "@" + f.tierId(), f.status()));
    return out;
  }

  @Test
  void ciphertextIsCheckedWithoutKeysAndBothRevisionsAreCovered() throws IOException {
    assertTrue(a().storedSize() > a().size(), "stored bytes are ciphertext");
    try (ReleaseOperations ops = ops(replica, cloud)) {
      ScrubReport clean = ops.scrub(rotated.manifestUri());
      assertTrue(clean.clean(), clean.problems().toString());
      assertEquals(
          List.of("shard a.bin", "shard b.bin", "manifest r1", "manifest r2", "latest pointer"),
          clean.goodCopies().keySet().stream().toList());

      Path blob = replica.root().resolve(BlobKeys.of(a()));
      Releases.flipByte(blob, 3L * CHUNK + 9);
      Files.delete(cloud.root().resolve("manifests/enc/1.json"));
      ScrubReport damaged = ops.scrub(rotated.manifestUri());
      Map<String, CopyStatus> expected = new TreeMap<>(statuses(clean));
      expected.put("shard a.bin@mirror", CopyStatus.CORRUPT);
      expected.put("manifest r1@cloud", CopyStatus.MISSING);
      assertEquals(expected, statuses(damaged));
      ScrubFinding bad =
          damaged.problems().stream()
              .filter(f -> f.object().equals("shard a.bin"))
              .findFirst()
              .orElseThrow();
      assertEquals(OptionalInt.of(3), bad.firstBadChunk());

      RepairReport repair = ops.repair(rotated.manifestUri(), RepairPolicy.copies(2));
      assertEquals(2, repair.copiesMade().size(), repair.copiesMade().toString());
      assertEquals(List.of(), repair.shortfalls());
      assertTrue(ops.scrub(rotated.manifestUri()).clean());
    }
  }

  @Test
  void aShortOrLongCopyIsCorruptAtTheChunkWhereItGoesWrong() throws IOException {
    Path blob = replica.root().resolve(BlobKeys.of(a()));
    byte[] stored = Files.readAllBytes(blob);
    try (ReleaseOperations ops = ops(replica, cloud)) {
      Files.write(blob, java.util.Arrays.copyOf(stored, 2 * CHUNK + 5));
      ScrubFinding shortCopy = finding(ops.scrub(rotated.manifestUri()), "shard a.bin", "mirror");
      assertEquals(CopyStatus.CORRUPT, shortCopy.status());
      assertEquals(OptionalInt.of(2), shortCopy.firstBadChunk());
      assertTrue(
          shortCopy.detail().startsWith("ends after " + (2 * CHUNK + 5)), shortCopy.detail());

      Files.write(blob, java.util.Arrays.copyOf(stored, stored.length + 1));
      ScrubFinding longCopy = finding(ops.scrub(rotated.manifestUri()), "shard a.bin", "mirror");
      assertEquals(CopyStatus.CORRUPT, longCopy.status());
      assertEquals(OptionalInt.of(a().chunkCount() - 1), longCopy.firstBadChunk());
      assertTrue(longCopy.detail().startsWith("longer than"), longCopy.detail());

      // repair replaces it with exactly the stored bytes
      ops.repair(rotated.manifestUri(), RepairPolicy.copies(2));
      assertArrayEquals(stored, Files.readAllBytes(blob));
    }
  }

  @Test
  void aRestoreWhoseSourceLacksAShardWritesNoManifest() throws IOException {
    Files.delete(cloud.root().resolve(BlobKeys.of(a())));
    FileTier fresh = Releases.tier(tmp.resolve("fresh"), "fresh", TierKind.REPLICA);
    try (ReleaseOperations ops = ops(replica, cloud)) {
      ShardUnavailableException e =
          assertThrows(
              ShardUnavailableException.class,
              () -> ops.restore(rotated.manifestUri(), "cloud", fresh));
      assertTrue(e.getMessage().contains("shard a.bin"), e.getMessage());
      assertFalse(Files.exists(fresh.root().resolve("manifests")), "no manifest on the new tier");
      IllegalArgumentException same =
          assertThrows(
              IllegalArgumentException.class,
              () -> ops.restore(rotated.manifestUri(), "cloud", cloud));
      assertTrue(same.getMessage().contains("'cloud'"), same.getMessage());
      IllegalArgumentException unknown =
          assertThrows(
              IllegalArgumentException.class,
              () -> ops.restore(rotated.manifestUri(), "nowhere", fresh));
      assertTrue(unknown.getMessage().contains("'nowhere'"), unknown.getMessage());

      RestoreReport r = ops.restore(rotated.manifestUri(), "mirror", fresh);
      assertEquals(
          List.of("shard a.bin", "shard b.bin", "manifest r1", "manifest r2", "latest pointer"),
          r.objects());
      assertEquals(List.of(), r.skipped());
    }
    LocalKeyManagementService kms = LocalKeyManagementService.load(tmp.resolve("kek.json"));
    try (DatasetClient client =
            DatasetClient.builder()
                .tier(fresh)
                .trust(TrustRoot.of(signer.publicKeyset()))
                .keyManagement(kms)
                .build();
        Dataset ds = client.open(ManifestUris.latestUri("enc"));
        InputStream in = ds.openShard("a.bin")) {
      assertEquals(2, ds.manifest().revision(), "the latest pointer was restored too");
      assertArrayEquals(plain, in.readAllBytes());
    }
  }

  @Test
  void aTornCheckpointLineIsIgnoredAndTheRestStands() throws IOException {
    Path checkpoint = tmp.resolve("ckpt");
    try (ReleaseOperations ops = ops(replica, cloud)) {
      ScrubReport first = ops.scrub(rotated.manifestUri(), checkpoint);
      List<String> lines = Files.readAllLines(checkpoint);
      assertEquals(first.findings().size() + 1, lines.size());
      // a crash mid-append of the pointer's record on 'cloud': everything before it stands
      List<String> kept =
          lines.stream()
              .filter(l -> !(l.contains("\"latest pointer\"") && l.contains("\"cloud\"")))
              .toList();
      assertEquals(lines.size() - 1, kept.size());
      Files.writeString(checkpoint, String.join("\n", kept) + "\n{\"object\":\"latest po");
      Files.delete(cloud.root().resolve("manifests/enc/latest.json"));
      Files.delete(replica.root().resolve(BlobKeys.of(a())));
      ScrubReport resumed = ops.scrub(rotated.manifestUri(), checkpoint);
      assertEquals(CopyStatus.MISSING, finding(resumed, "latest pointer", "cloud").status());
      // settled before the crash: not read again (a fresh scrub would find it missing)
      assertEquals(CopyStatus.OK, finding(resumed, "shard a.bin", "mirror").status());
    }
  }

  private static ScrubFinding finding(ScrubReport r, String object, String tier) {
    return r.findings().stream()
        .filter(f -> f.object().equals(object) && f.tierId().equals(tier))
        .findFirst()
        .orElseThrow(() -> new AssertionError(object + "@" + tier + " in " + r.findings()));
  }
}
