package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.DatasetManifest;
import io.btfshybrid.api.ManifestRejectedException;
import io.btfshybrid.api.ManifestRejectedException.Reason;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.TierKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every reply is bounded and shape-checked before it is parsed; the limits agree end to end. */
class DocumentLimitsTest {
  static final int MAX = ManifestCodec.MAX_MANIFEST_BYTES;

  @TempDir Path tmp;

  /** An envelope written byte by byte (no JSON tree), carrying {@code payload} unsigned. */
  static byte[] envelope(String type, byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length / 3 * 4 + 256);
    out.writeBytes(("{\"payloadType\":\"" + type + "\",\"payload\":\"").getBytes());
    out.writeBytes(Base64.getEncoder().encode(payload));
    out.writeBytes("\",\"signatures\":[]}".getBytes());
    return out.toByteArray();
  }

  /** {@code prefix + unit * n + suffix}, as bytes. */
  static byte[] repeated(String prefix, String unit, int n, String suffix) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(prefix.length() + unit.length() * n + 8);
    out.writeBytes(prefix.getBytes(StandardCharsets.UTF_8));
    byte[] u = unit.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < n; i++) {
      out.write(u, 0, u.length);
    }
    out.writeBytes(suffix.getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  static final int TWENTY_MIB = 20 << 20;

  /** Hostile replies of 20 MiB that once became huge trees (OutOfMemoryError). */
  static List<byte[]> hostileEnvelopes() {
    String type = "{\"payloadType\":\"" + SignedEnvelope.MANIFEST_TYPE + "\",";
    List<byte[]> out = new ArrayList<>();
    out.add(repeated("[", "{},", TWENTY_MIB / 3, "{}]"));
    out.add(repeated(type + "\"signatures\":[", "{},", TWENTY_MIB / 3, "{}]}"));
    out.add(repeated(type + "\"x\":[", "{},", TWENTY_MIB / 3, "{}]}"));
    out.add(repeated(type + "\"x\":", "[", TWENTY_MIB, ""));
    out.add(repeated(type + "\"payload\":", "1", TWENTY_MIB, "}"));
    return out;
  }

  static final String PAD = "c".repeat(56);

  @Test
  void hostileEnvelopesAreRefusedTypedWithoutBuildingTrees() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(30),
        () -> {
          for (byte[] hostile : hostileEnvelopes()) {
            ManifestRejectedException e =
                assertThrows(
                    ManifestRejectedException.class,
                    () -> SignedEnvelope.parse(hostile, SignedEnvelope.MANIFEST_TYPE));
            assertTrue(
                e.reason() == Reason.MALFORMED || e.reason() == Reason.TOO_LARGE, e.toString());
          }
        });
  }

  @Test
  void aHostileTierIsSkippedAndTheNextOneServesTheRelease() throws IOException {
    FileTier mirror = Releases.tier(tmp.resolve("mirror"), "mirror", TierKind.REPLICA);
    FileTier cloud = Releases.tier(tmp.resolve("cloud"), "cloud", TierKind.CLOUD);
    ManifestSigner signer = ManifestSigner.generate();
    PublishResult release =
        Releases.publisher(signer, List.of(mirror, cloud))
            .publish(Releases.sampleSource(tmp.resolve("src")), "demo", "1.0.0");
    byte[] hostile = repeated("[", "{},", TWENTY_MIB / 3, "{}]");
    for (FileTier bad : List.of(mirror, cloud)) {
      Path file = bad.root().resolve("manifests/demo/1.0.0.json");
      byte[] good = Files.readAllBytes(file);
      Files.write(file, hostile);
      for (URI uri :
          List.of(release.manifestUri(), URI.create("btfs-hybrid://manifests/demo/1.0.0.json"))) {
        try (DatasetClient client =
                DatasetClient.builder()
                    .tier(mirror)
                    .tier(cloud)
                    .trust(TrustRoot.of(signer.publicKeyset()))
                    .build();
            Dataset ds = client.open(uri)) {
          assertEquals(release.manifestHash(), ds.manifestHash(), bad.id() + " " + uri);
        }
      }
      Files.write(file, good);
    }
  }

  @Test
  void aPayloadOfExactlyTheLimitParsesAndOneByteMoreIsRefusedNamingTheLimit() throws IOException {
    byte[] atLimit = new byte[MAX];
    Arrays.fill(atLimit, (byte) '{');
    byte[] doc = envelope(SignedEnvelope.MANIFEST_TYPE, atLimit);
    assertTrue(doc.length <= SignedEnvelope.maxEnvelopeBytes(SignedEnvelope.MANIFEST_TYPE));
    assertEquals(MAX, SignedEnvelope.parse(doc, SignedEnvelope.MANIFEST_TYPE).payload().length);
    doc = null;
    atLimit = null;

    byte[] over = envelope(SignedEnvelope.MANIFEST_TYPE, new byte[MAX + 1]);
    ManifestRejectedException e =
        assertThrows(
            ManifestRejectedException.class,
            () -> SignedEnvelope.parse(over, SignedEnvelope.MANIFEST_TYPE));
    assertEquals(Reason.TOO_LARGE, e.reason());
    assertTrue(e.getMessage().contains(String.valueOf(MAX)), e.getMessage());
  }

  @Test
  void theManifestParserRefusesOneByteOverTheLimit() {
    ManifestRejectedException e =
        assertThrows(ManifestRejectedException.class, () -> ManifestCodec.parse(new byte[MAX + 1]));
    assertEquals(Reason.TOO_LARGE, e.reason());
    assertTrue(e.getMessage().contains(String.valueOf(MAX)), e.getMessage());
  }

  @Test
  void theSigningSideRefusesWhatNoClientWouldOpen() {
    ManifestSigner signer = ManifestSigner.generate();
    for (String type :
        List.of(
            SignedEnvelope.MANIFEST_TYPE,
            SignedEnvelope.LATEST_TYPE,
            SignedEnvelope.TRUST_ROOT_TYPE)) {
      int limit = SignedEnvelope.maxPayloadBytes(type);
      byte[] justUnder = new byte[limit];
      byte[] signed = SignedEnvelope.sign(type, justUnder, List.of(signer)).toJson();
      assertEquals(limit, assertOpens(signed, type).payload().length, type);
      UncheckedIOException e =
          assertThrows(
              UncheckedIOException.class,
              () -> SignedEnvelope.sign(type, new byte[limit + 1], List.of(signer)),
              type);
      ManifestRejectedException cause =
          assertInstanceOf(ManifestRejectedException.class, e.getCause());
      assertEquals(Reason.TOO_LARGE, cause.reason());
      assertTrue(cause.getMessage().contains(String.valueOf(limit)), cause.getMessage());
      assertThrows(UncheckedIOException.class, () -> signer.envelope(type, new byte[limit + 1]));
    }
  }

  static SignedEnvelope assertOpens(byte[] doc, String type) {
    try {
      return SignedEnvelope.parse(doc, type);
    } catch (ManifestRejectedException e) {
      throw new AssertionError(type + " at its limit must open", e);
    }
  }

  @Test
  void anEndlessReplyIsReadOnlyToTheEnvelopeLimit() {
    long[] served = new long[1];
    InputStream endless =
        new InputStream() {
          @Override
          public int read() {
            served[0]++;
            return ' ';
          }

          @Override
          public int read(byte[] b, int off, int len) {
            Arrays.fill(b, off, off + len, (byte) ' ');
            served[0] += len;
            return len;
          }
        };
    ManifestRejectedException e =
        assertThrows(
            ManifestRejectedException.class,
            () -> SignedDocuments.fetch(() -> endless, SignedEnvelope.LATEST_TYPE, "pointer X"));
    int limit = SignedEnvelope.maxEnvelopeBytes(SignedEnvelope.LATEST_TYPE);
    assertEquals(Reason.TOO_LARGE, e.reason());
    assertTrue(e.getMessage().contains("pointer X"), e.getMessage());
    assertTrue(e.getMessage().contains(String.valueOf(limit)), e.getMessage());
    assertTrue(served[0] <= limit + 1L + 8192, "read " + served[0] + " bytes");
  }

  @Test
  void aManifestOfA250GbShardOpens() throws IOException {
    FileTier mirror = Releases.tier(tmp.resolve("mirror"), "mirror", TierKind.REPLICA);
    ManifestSigner signer = ManifestSigner.generate();
    int chunk = DatasetPublisher.DEFAULT_CHUNK_SIZE;
    long size = 250_000_000_000L;
    int chunks = (int) ShardEntry.chunkCount(size, chunk);
    List<String> hashes = new ArrayList<>(chunks);
    for (int i = 0; i < chunks; i++) {
      hashes.add(PAD + java.util.HexFormat.of().toHexDigits(i));
    }
    String sha = Digests.sha256Hex("whole".getBytes());
    DatasetManifest m =
        DatasetManifest.builder()
            .datasetId("big")
            .version("1.0")
            .createdAt(Instant.parse("2026-01-01T00:00:00Z"))
            .owner("ml-team")
            .classification("internal")
            .shard(new ShardEntry("huge.bin", size, sha, size, sha, chunk, hashes, List.of()))
            .build();
    byte[] payload = ManifestCodec.encode(m);
    assertTrue(payload.length > 15_000_000, "over Jackson's default string limit once base64");
    assertTrue(payload.length < MAX);
    Path file = mirror.root().resolve("manifests/big/1.0.json");
    Files.createDirectories(file.getParent());
    Files.write(file, signer.envelope(SignedEnvelope.MANIFEST_TYPE, payload).toJson());
    try (DatasetClient client =
            DatasetClient.builder()
                .tier(mirror)
                .trust(TrustRoot.of(signer.publicKeyset()))
                .build();
        Dataset ds = client.open(URI.create("btfs-hybrid://manifests/big/1.0.json"))) {
      assertEquals(Digests.sha256Hex(payload), ds.manifestHash());
      assertEquals(chunks, ds.manifest().shards().get(0).chunkCount());
      assertEquals(
          hashes.get(chunks - 1), ds.manifest().shards().get(0).chunkHashes().get(chunks - 1));
    }
  }

  @Test
  void aManifestOfAShapeNoManifestHasIsRefusedBeforeATreeIsBuilt() {
    for (String bad :
        List.of(
            "[]",
            "{\"shards\":{}}",
            "{\"tags\":[]}",
            "{\"shards\":[[]]}",
            "{\"shards\":[{\"chunks\":[{}]}]}",
            "{\"bogus\":{}}")) {
      ManifestRejectedException e =
          assertThrows(ManifestRejectedException.class, () -> ManifestCodec.parse(bad.getBytes()));
      assertEquals(Reason.MALFORMED, e.reason(), bad);
    }
    byte[] manyShards = repeated("{\"shards\":[", "{},", ManifestCodec.MAX_SHARDS, "{}]}");
    ManifestRejectedException e =
        assertThrows(ManifestRejectedException.class, () -> ManifestCodec.parse(manyShards));
    assertEquals(Reason.TOO_LARGE, e.reason());
    assertTrue(e.getMessage().contains(String.valueOf(ManifestCodec.MAX_SHARDS)), e.getMessage());
  }
}
