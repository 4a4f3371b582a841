package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.ManifestRejectedException;
import io.btfshybrid.api.ManifestRejectedException.Reason;
import io.btfshybrid.api.TierKind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** k-of-n signatures on manifests and pointers, and trust-root rotation signed by the old root. */
class ThresholdSigningTest {
  @TempDir Path tmp;
  Path source;
  FileTier replica;
  ManifestSigner a;
  ManifestSigner b;
  ManifestSigner c;
  TrustRoot twoOfThree;

  @BeforeEach
  void setUp() throws IOException {
    source = Releases.sampleSource(tmp.resolve("src"));
    replica = Releases.tier(tmp.resolve("replica"), "mirror", TierKind.REPLICA);
    a = ManifestSigner.generate();
    b = ManifestSigner.generate();
    c = ManifestSigner.generate();
    twoOfThree = TrustRoot.of(2, a.publicKeyset(), b.publicKeyset(), c.publicKeyset());
  }

  PublishResult publish(String version, ManifestSigner... signers) throws IOException {
    DatasetPublisher.Builder builder = DatasetPublisher.builder().tier(replica).trust(twoOfThree);
    for (ManifestSigner s : signers) {
      builder.signer(s);
    }
    return builder.build().publish(source, "demo", version);
  }

  ManifestRejectedException refused(TrustRoot trust, java.net.URI uri) throws IOException {
    try (DatasetClient client = DatasetClient.builder().tier(replica).trust(trust).build()) {
      return assertThrows(ManifestRejectedException.class, () -> client.open(uri));
    }
  }

  void opens(TrustRoot trust, java.net.URI uri) throws IOException {
    try (DatasetClient client = DatasetClient.builder().tier(replica).trust(trust).build()) {
      client.open(uri).close();
    }
  }

  @Test
  void kMinusOneValidSignaturesAreNotEnough() throws IOException {
    PublishResult one = publish("1.0.0", a);
    assertEquals(Reason.THRESHOLD_NOT_MET, refused(twoOfThree, one.manifestUri()).reason());
    assertEquals(Reason.THRESHOLD_NOT_MET, refused(twoOfThree, one.latestUri()).reason());
    // the same key twice is still one signature
    PublishResult twice = publish("1.0.1", a, a);
    assertEquals(Reason.THRESHOLD_NOT_MET, refused(twoOfThree, twice.manifestUri()).reason());
    // one valid plus one by a stranger
    PublishResult stranger = publish("1.0.2", a, ManifestSigner.generate());
    assertEquals(Reason.THRESHOLD_NOT_MET, refused(twoOfThree, stranger.manifestUri()).reason());
  }

  @Test
  void kValidSignaturesOpenManifestAndPointer() throws IOException {
    PublishResult two = publish("1.0.0", a, c);
    opens(twoOfThree, two.manifestUri());
    opens(twoOfThree, two.latestUri());
  }

  @Test
  void aNewRootIsAcceptedOnlyWithTheOldRootsThreshold() throws IOException {
    ManifestSigner d = ManifestSigner.generate();
    ManifestSigner e = ManifestSigner.generate();
    TrustRoot next = TrustRoot.of(2, c.publicKeyset(), d.publicKeyset(), e.publicKeyset());

    ManifestRejectedException oneOld =
        assertThrows(
            ManifestRejectedException.class,
            () -> twoOfThree.verifyRotation(twoOfThree.rotate(next, a, d, e)));
    assertEquals(Reason.THRESHOLD_NOT_MET, oneOld.reason());
    ManifestRejectedException newOnly =
        assertThrows(
            ManifestRejectedException.class,
            () -> twoOfThree.verifyRotation(twoOfThree.rotate(next, d, e)));
    assertEquals(Reason.UNKNOWN_KEY, newOnly.reason());
    // the old threshold alone does not suffice either: the new keys must accept their role
    // (c is in both roots: 3 of the old keys, but 1 of the 2 new signatures needed)
    ManifestRejectedException notAccepted =
        assertThrows(
            ManifestRejectedException.class,
            () -> twoOfThree.verifyRotation(twoOfThree.rotate(next, a, b, c)));
    assertEquals(Reason.THRESHOLD_NOT_MET, notAccepted.reason());
    assertTrue(notAccepted.getMessage().contains("own keys"), notAccepted.getMessage());

    byte[] document = twoOfThree.rotate(next, a, b, d, e);
    TrustRoot rotated = twoOfThree.verifyRotation(document);
    assertEquals(2, rotated.version());
    assertEquals(next.keyIds(), rotated.keyIds());
    assertEquals(2, rotated.threshold());
    // replaying the same rotation against the new root is a rollback
    assertEquals(
        Reason.ROLLBACK,
        assertThrows(ManifestRejectedException.class, () -> rotated.verifyRotation(document))
            .reason());

    // the rotated root accepts releases signed by the new keys and no longer the retired ones
    opens(rotated, publish("2.0.0", d, e).manifestUri());
    assertEquals(
        Reason.UNKNOWN_KEY, refused(rotated, publish("2.0.1", a, b).manifestUri()).reason());
    assertEquals(
        Reason.THRESHOLD_NOT_MET, refused(rotated, publish("2.0.2", a, c).manifestUri()).reason());
  }

  @Test
  void signaturesCanBeCollectedSeparatelyAndChainsApplyInOrder() throws IOException {
    ManifestSigner d = ManifestSigner.generate();
    TrustRoot v2 = TrustRoot.of(1, d.publicKeyset());
    byte[] doc = twoOfThree.rotate(v2, a);
    doc = TrustRoot.cosign(doc, c);
    doc = TrustRoot.cosign(doc, d);
    TrustRoot rotated = twoOfThree.verifyRotation(doc);
    assertEquals(2, rotated.version());

    ManifestSigner f = ManifestSigner.generate();
    byte[] toV3 = rotated.rotate(TrustRoot.of(f.publicKeyset()), d, f);
    TrustRoot v3 = twoOfThree.verifyRotations(List.of(doc, toV3));
    assertEquals(3, v3.version());
    assertEquals(java.util.Set.of(f.keyId()), v3.keyIds());
    // skipping v2 is refused
    ManifestRejectedException skip =
        assertThrows(ManifestRejectedException.class, () -> twoOfThree.verifyRotation(toV3));
    assertTrue(skip.getMessage().contains("skips"), skip.getMessage());

    Path saved = tmp.resolve("trust.json");
    v3.save(saved);
    assertEquals(3, TrustRoot.load(saved).version());
  }

  @Test
  void anAlteredRotationDocumentIsRefused() throws IOException {
    ManifestSigner d = ManifestSigner.generate();
    byte[] doc = twoOfThree.rotate(TrustRoot.of(d.publicKeyset()), a, b, d);
    com.fasterxml.jackson.databind.node.ObjectNode env =
        (com.fasterxml.jackson.databind.node.ObjectNode) ManifestCodec.JSON.readTree(doc);
    String payload =
        new String(
            java.util.Base64.getDecoder().decode(env.get("payload").asText()),
            java.nio.charset.StandardCharsets.UTF_8);
    String altered = payload.replace("\"threshold\":1", "\"threshold\":1 ");
    assertTrue(!altered.equals(payload));
    env.put(
        "payload",
        java.util.Base64.getEncoder()
            .encodeToString(altered.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    ManifestRejectedException e =
        assertThrows(
            ManifestRejectedException.class,
            () -> twoOfThree.verifyRotation(ManifestCodec.JSON.writeValueAsBytes(env)));
    assertEquals(Reason.BAD_SIGNATURE, e.reason());
  }
}
