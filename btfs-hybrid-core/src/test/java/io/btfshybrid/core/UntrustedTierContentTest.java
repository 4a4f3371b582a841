package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.TierKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the publisher finds on a tier is verified before it means anything. */
class UntrustedTierContentTest {
  static final String MANIFEST = "manifests/demo/1.0.json";

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

  PublishResult publish() throws IOException {
    return Releases.publisher(signer, List.of(replica, cloud)).publish(source, "demo", "1.0");
  }

  void plantEverywhere(String key, byte[] bytes) throws IOException {
    for (FileTier t : List.of(replica, cloud)) {
      Releases.write(t.root(), key, bytes);
    }
  }

  /** Opens the release from {@code tier} alone and checks every shard's bytes. */
  void assertReadsTheSource(PublishResult r, FileTier tier) throws IOException {
    try (DatasetClient client =
            DatasetClient.builder().tier(tier).trust(TrustRoot.of(signer.publicKeyset())).build();
        Dataset ds = client.open(r.manifestUri())) {
      assertEquals(r.manifestHash(), ds.manifestHash());
      for (ShardEntry s : ds.shards()) {
        assertArrayEquals(
            Files.readAllBytes(source.resolve(s.path())),
            Releases.readAll(ds.openShard(s.path())),
            s.path() + " from " + tier.id());
      }
    }
  }

  /** The same release published elsewhere by {@code by}, with its signatures replaced. */
  byte[] lookAlike(ManifestSigner by, boolean stripSignatures) throws IOException {
    FileTier elsewhere = Releases.tier(tmp.resolve("elsewhere"), "mirror", TierKind.REPLICA);
    Releases.publisher(by, List.of(elsewhere)).publish(source, "demo", "1.0");
    byte[] doc = Files.readAllBytes(elsewhere.root().resolve(MANIFEST));
    if (!stripSignatures) {
      return doc;
    }
    ObjectNode tree = (ObjectNode) ManifestCodec.JSON.readTree(doc);
    tree.putArray("signatures");
    return ManifestCodec.JSON.writeValueAsBytes(tree);
  }

  @Test
  void junkAtTheManifestKeyDoesNotBlockPublishing() throws IOException {
    plantEverywhere(MANIFEST, "{\"not\": \"a manifest\"}".getBytes());
    PublishResult r = publish();
    assertFalse(r.alreadyPublished());
    assertReadsTheSource(r, replica);
    assertReadsTheSource(r, cloud);
    assertTrue(publish().alreadyPublished(), "once replaced, the release is found");
  }

  @Test
  void anUnsignedLookAlikeIsNotTakenAsPublished() throws IOException {
    plantEverywhere(MANIFEST, lookAlike(signer, true));
    PublishResult r = publish();
    assertFalse(r.alreadyPublished(), "an unsigned manifest proves nothing");
    assertReadsTheSource(r, replica);
    assertReadsTheSource(r, cloud);
  }

  @Test
  void aLookAlikeSignedByAnUntrustedKeyIsNotTakenAsPublished() throws IOException {
    plantEverywhere(MANIFEST, lookAlike(ManifestSigner.generate(), false));
    PublishResult r = publish();
    assertFalse(r.alreadyPublished());
    assertReadsTheSource(r, cloud);
  }

  @Test
  void aPlantedBlobOfTheRightSizeIsReplacedNotReused() throws IOException {
    byte[] readme = Files.readAllBytes(source.resolve("README"));
    String key = BlobKeys.of(Digests.sha256Hex(readme));
    byte[] wrong = Releases.random(99, readme.length);
    Releases.write(replica.root(), key, wrong);

    PublishResult r = publish();

    assertArrayEquals(readme, Files.readAllBytes(replica.root().resolve(key)));
    assertEquals(0, r.objectsReused(), "nothing on the tiers was intact");
    assertEquals(10, r.objectsUploaded(), "five shards on two tiers");
    assertReadsTheSource(r, replica);
  }

  @Test
  void anIntactBlobIsStillReused() throws IOException {
    PublishResult first = publish();
    Files.writeString(source.resolve("val/small.txt"), "changed");
    PublishResult second =
        Releases.publisher(signer, List.of(replica, cloud)).publish(source, "demo", "2.0");
    assertEquals(first.objectsUploaded() - 2, second.objectsReused());
    assertEquals(2, second.objectsUploaded());
  }
}
