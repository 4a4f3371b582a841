package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.DatasetManifest;
import io.btfshybrid.api.ManifestRejectedException;
import io.btfshybrid.api.ManifestRejectedException.Reason;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.TierKind;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestRejectionTest {
  @TempDir Path tmp;
  FileTier replica;
  ManifestSigner signer;
  PublishResult release;
  Path manifestFile;

  @BeforeEach
  void publish() throws IOException {
    replica = Releases.tier(tmp.resolve("replica"), "mirror", TierKind.REPLICA);
    signer = ManifestSigner.generate();
    release =
        Releases.publisher(signer, List.of(replica))
            .publish(Releases.sampleSource(tmp.resolve("src")), "demo", "1.0.0");
    manifestFile = replica.root().resolve("manifests/demo/1.0.0.json");
  }

  ManifestRejectedException openRejected(TrustRoot trust) throws IOException {
    try (DatasetClient client = DatasetClient.builder().tier(replica).trust(trust).build()) {
      return assertThrows(
          ManifestRejectedException.class, () -> client.open(release.manifestUri()));
    }
  }

  /** Replaces the manifest with {@code manifest}, signed by {@code by}. */
  void store(DatasetManifest manifest, ManifestSigner by) throws IOException {
    byte[] payload = ManifestCodec.toCanonicalJson(manifest);
    Files.write(manifestFile, by.envelope(SignedEnvelope.MANIFEST_TYPE, payload).toJson());
  }

  @Test
  void canonicalFormIsStableAndParsesBack() throws IOException {
    byte[] once = ManifestCodec.toCanonicalJson(release.manifest());
    DatasetManifest parsed = ManifestCodec.parse(once);
    assertEquals(release.manifest(), parsed);
    assertArrayEquals(once, ManifestCodec.toCanonicalJson(parsed));
  }

  @Test
  void oneHashAlteredAfterSigningIsRefused() throws IOException {
    String json = Files.readString(manifestFile);
    com.fasterxml.jackson.databind.node.ObjectNode env =
        (com.fasterxml.jackson.databind.node.ObjectNode) ManifestCodec.JSON.readTree(json);
    String payload =
        new String(
            java.util.Base64.getDecoder().decode(env.get("payload").asText()),
            StandardCharsets.UTF_8);
    String sha = release.manifest().shards().get(0).sha256();
    String altered =
        payload.replace(sha, sha.substring(0, 63) + (sha.charAt(63) == '0' ? '1' : '0'));
    assertTrue(!altered.equals(payload));
    env.put(
        "payload",
        java.util.Base64.getEncoder().encodeToString(altered.getBytes(StandardCharsets.UTF_8)));
    Files.write(manifestFile, ManifestCodec.JSON.writeValueAsBytes(env));
    // the pinned hash catches it first; an unpinned open is caught by the signature
    assertEquals(Reason.HASH_MISMATCH, openRejected(TrustRoot.of(signer.publicKeyset())).reason());
    try (DatasetClient client =
        DatasetClient.builder().tier(replica).trust(TrustRoot.of(signer.publicKeyset())).build()) {
      ManifestRejectedException e =
          assertThrows(
              ManifestRejectedException.class,
              () -> client.open(URI.create("btfs-hybrid://manifests/demo/1.0.0.json")));
      assertEquals(Reason.BAD_SIGNATURE, e.reason());
    }
  }

  @Test
  void signedByAnUnknownKeyIsRefused() throws IOException {
    ManifestSigner stranger = ManifestSigner.generate();
    store(release.manifest(), stranger);
    try (DatasetClient client =
        DatasetClient.builder().tier(replica).trust(TrustRoot.of(signer.publicKeyset())).build()) {
      ManifestRejectedException e =
          assertThrows(
              ManifestRejectedException.class,
              () -> client.open(URI.create("btfs-hybrid://manifests/demo/1.0.0.json")));
      assertEquals(Reason.UNKNOWN_KEY, e.reason());
      assertTrue(e.getMessage().contains(stranger.keyId()), e.getMessage());
    }
  }

  @Test
  void unsignedIsRefused() throws IOException {
    byte[] payload = ManifestCodec.toCanonicalJson(release.manifest());
    Files.write(
        manifestFile,
        new SignedEnvelope(SignedEnvelope.MANIFEST_TYPE, payload, List.of()).toJson());
    assertEquals(Reason.UNSIGNED, openRejected(TrustRoot.of(signer.publicKeyset())).reason());
  }

  @Test
  void unsafeShardPathsAreRefusedEvenWhenValidlySigned() throws IOException {
    for (String bad :
        List.of("/etc/passwd", "../escape", "a/../../b", "a\\b", "a//b", "a/", "C:/x")) {
      ShardEntry good = release.manifest().shards().get(0);
      ShardEntry evil =
          new ShardEntry(
              bad,
              good.size(),
              good.sha256(),
              good.storedSize(),
              good.storedSha256(),
              good.chunkSize(),
              good.chunkHashes(),
              good.locations());
      store(release.manifest().toBuilder().shards(List.of(evil)).build(), signer);
      try (DatasetClient client =
          DatasetClient.builder()
              .tier(replica)
              .trust(TrustRoot.of(signer.publicKeyset()))
              .build()) {
        ManifestRejectedException e =
            assertThrows(
                ManifestRejectedException.class,
                () -> client.open(URI.create("btfs-hybrid://manifests/demo/1.0.0.json")),
                bad);
        assertEquals(Reason.UNSAFE_PATH, e.reason(), bad);
      }
    }
  }

  @Test
  void malformedDocumentsNameTheProblem() {
    ManifestRejectedException notJson =
        assertThrows(
            ManifestRejectedException.class, () -> ManifestCodec.parse("{nope".getBytes()));
    assertEquals(Reason.MALFORMED, notJson.reason());
    String canonical =
        new String(ManifestCodec.toCanonicalJson(release.manifest()), StandardCharsets.UTF_8);
    ManifestRejectedException unknownField =
        assertThrows(
            ManifestRejectedException.class,
            () ->
                ManifestCodec.parse(
                    canonical
                        .replace("{\"classification\"", "{\"bogus\":1,\"classification\"")
                        .getBytes()));
    assertTrue(unknownField.getMessage().contains("bogus"), unknownField.getMessage());
    ManifestRejectedException wrongSize =
        assertThrows(
            ManifestRejectedException.class,
            () ->
                ManifestCodec.parse(
                    canonical.replace("\"chunkSize\":65536", "\"chunkSize\":32768").getBytes()));
    assertTrue(wrongSize.getMessage().contains("chunk hashes"), wrongSize.getMessage());
    ManifestRejectedException spaced =
        assertThrows(
            ManifestRejectedException.class,
            () -> ManifestCodec.parse(canonical.replace(",", ", ").getBytes()));
    assertTrue(spaced.getMessage().contains("canonical"), spaced.getMessage());
  }

  @Test
  void anUnencryptedShardWhoseDeclaredSizeOrHashDiffersFromTheStoredIsRefused() throws IOException {
    ShardEntry good = release.manifest().shard("val/small.txt").orElseThrow();
    String otherSha = Digests.sha256Hex("not what is stored".getBytes(StandardCharsets.UTF_8));
    List<ShardEntry> liars =
        List.of(
            new ShardEntry(
                good.path(),
                good.size(),
                otherSha,
                good.storedSize(),
                good.storedSha256(),
                good.chunkSize(),
                good.chunkHashes(),
                good.locations()),
            new ShardEntry(
                good.path(),
                good.size() + 1,
                good.sha256(),
                good.storedSize(),
                good.storedSha256(),
                good.chunkSize(),
                good.chunkHashes(),
                good.locations()));
    for (ShardEntry liar : liars) {
      List<ShardEntry> shards =
          release.manifest().shards().stream()
              .map(s -> s.path().equals(liar.path()) ? liar : s)
              .toList();
      store(release.manifest().toBuilder().shards(shards).build(), signer);
      try (DatasetClient client =
          DatasetClient.builder()
              .tier(replica)
              .trust(TrustRoot.of(signer.publicKeyset()))
              .build()) {
        ManifestRejectedException e =
            assertThrows(
                ManifestRejectedException.class,
                () -> client.open(URI.create("btfs-hybrid://manifests/demo/1.0.0.json")));
        assertEquals(Reason.INCONSISTENT_SHARD, e.reason());
        assertTrue(e.getMessage().contains("'val/small.txt'"), e.getMessage());
      }
    }
  }
}
