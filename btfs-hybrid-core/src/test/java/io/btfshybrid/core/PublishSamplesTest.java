package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.DatasetManifest;
import io.btfshybrid.api.Locator;
import io.btfshybrid.api.SampleFormat;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.TierKind;
import io.btfshybrid.core.samples.SampleFormatException;
import io.btfshybrid.core.samples.ShardSampleIndex;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The publisher indexes samples in its hashing pass and stores index blobs on every tier. */
class PublishSamplesTest {
  @TempDir Path tmp;
  final ManifestSigner signer = ManifestSigner.generate();

  static final String LINES = "{\"a\":1}\n{\"b\":22}\n\n{\"c\":333}";

  Path source() throws IOException {
    Path src = tmp.resolve("src");
    Releases.write(src, "train/part-0.jsonl", LINES.getBytes(StandardCharsets.UTF_8));
    Releases.write(src, "logs/x.txt", "one\ntwo\n".getBytes(StandardCharsets.UTF_8));
    Releases.write(src, "blob.bin", Releases.random(5, 1000));
    return src;
  }

  static Map<String, ShardEntry> byPath(DatasetManifest m) {
    return m.shards().stream().collect(Collectors.toMap(ShardEntry::path, Function.identity()));
  }

  static byte[] read(FileTier tier, String key) throws IOException {
    Locator where = tier.locate(key).orElseThrow(() -> new AssertionError("no " + key));
    try (InputStream in = tier.read(where, 0, -1)) {
      return in.readAllBytes();
    }
  }

  @Test
  void indexBlobsAreStoredOnEveryTierAndTheSignedManifestNamesThem() throws IOException {
    FileTier replica = Releases.tier(tmp.resolve("replica"), "mirror", TierKind.REPLICA);
    FileTier cloud = Releases.tier(tmp.resolve("cloud"), "cloud", TierKind.CLOUD);
    PublishResult r =
        DatasetPublisher.builder()
            .tier(replica)
            .tier(cloud)
            .signer(signer)
            .chunkSize(1024)
            .sampleFormat("logs/*.txt", SampleFormat.JSONL)
            .build()
            .publish(source(), "demo", "1.0.0");
    Map<String, ShardEntry> shards = byPath(r.manifest());

    ShardEntry raw = shards.get("blob.bin");
    assertEquals(SampleFormat.RAW, raw.format());
    assertEquals(1, raw.sampleCount());
    assertNull(raw.sampleIndex());

    ShardEntry lines = shards.get("train/part-0.jsonl");
    assertEquals(SampleFormat.JSONL, lines.format());
    assertEquals(4, lines.sampleCount(), "three lines, one empty, the last unterminated");
    ShardEntry logs = shards.get("logs/x.txt");
    assertEquals(SampleFormat.JSONL, logs.format(), "the glob rule overrides the file name");
    assertEquals(2, logs.sampleCount());

    for (ShardEntry e : List.of(lines, logs)) {
      String key = BlobKeys.of(e.sampleIndex().sha256());
      byte[] onReplica = read(replica, key);
      assertArrayEquals(onReplica, read(cloud, key));
      assertEquals(e.sampleIndex().size(), onReplica.length);
      assertEquals(e.sampleIndex().sha256(), Digests.sha256Hex(onReplica));
      ShardSampleIndex index = ShardSampleIndex.parse(e.path(), onReplica, e.size());
      assertEquals(e.sampleCount(), index.sampleCount());
      assertEquals(
          List.of("mirror", "cloud"),
          e.sampleIndex().locations().stream().map(h -> h.tierId()).toList());
    }
    ShardSampleIndex index =
        ShardSampleIndex.parse(
            lines.path(), read(replica, BlobKeys.of(lines.sampleIndex().sha256())), lines.size());
    assertEquals(LINES.indexOf("{\"c\""), index.memberOffset(3, 0));
    assertEquals("{\"c\":333}".length(), index.sampleLength(3));
    assertEquals(0, index.sampleLength(2));

    try (DatasetClient client =
        DatasetClient.builder().tier(replica).trust(TrustRoot.of(signer.publicKeyset())).build()) {
      assertEquals(r.manifest(), client.open(r.manifestUri()).manifest());
    }
  }

  @Test
  void aLineOverTheLimitFailsThePublicationNamingShardAndOffsetAndStoresNoManifest()
      throws IOException {
    FileTier replica = Releases.tier(tmp.resolve("replica"), "mirror", TierKind.REPLICA);
    Path src = tmp.resolve("long");
    Releases.write(
        src, "a.jsonl", ("short\n" + "x".repeat(40) + "\n").getBytes(StandardCharsets.UTF_8));
    DatasetPublisher p =
        DatasetPublisher.builder().tier(replica).signer(signer).maxSampleBytes(16).build();
    SampleFormatException e =
        assertThrows(SampleFormatException.class, () -> p.publish(src, "demo", "1.0.0"));
    assertEquals("a.jsonl", e.shard());
    assertEquals(6, e.offset());
    assertTrue(e.getMessage().contains("a.jsonl") && e.getMessage().contains("6"));
    assertFalse(Files.exists(replica.root().resolve("manifests/demo/1.0.0.json")));
  }

  @Test
  void aFileNamedTarThatIsNoTarPublishesAsRawOnlyWhenARuleSaysSo() throws IOException {
    FileTier replica = Releases.tier(tmp.resolve("replica"), "mirror", TierKind.REPLICA);
    Path src = tmp.resolve("opaque");
    Releases.write(src, "x/backup.tar", Releases.random(9, 3000));
    SampleFormatException e =
        assertThrows(
            SampleFormatException.class,
            () ->
                DatasetPublisher.builder()
                    .tier(replica)
                    .signer(signer)
                    .build()
                    .publish(src, "opaque", "1.0.0"));
    assertEquals("x/backup.tar", e.shard());
    assertEquals(0, e.offset());
    PublishResult r =
        DatasetPublisher.builder()
            .tier(replica)
            .signer(signer)
            .sampleFormat("**", SampleFormat.RAW)
            .build()
            .publish(src, "opaque", "1.0.0");
    ShardEntry only = r.manifest().shards().get(0);
    assertEquals(SampleFormat.RAW, only.format());
    assertNull(only.sampleIndex());
  }

  @Test
  void keyRotationCarriesTheSampleFieldsOver() throws IOException {
    FileTier replica = Releases.tier(tmp.resolve("replica"), "mirror", TierKind.REPLICA);
    LocalKeyManagementService kms =
        LocalKeyManagementService.generate(tmp.resolve("kek.json"), "kek-1", "kek-2");
    DatasetPublisher p =
        DatasetPublisher.builder()
            .tier(replica)
            .signer(signer)
            .chunkSize(1024)
            .encryptWith(kms, "kek-1")
            .build();
    PublishResult r = p.publish(source(), "demo", "1.0.0");
    ShardEntry lines = byPath(r.manifest()).get("train/part-0.jsonl");
    assertEquals(4, lines.sampleCount());
    byte[] blob = read(replica, BlobKeys.of(lines.sampleIndex().sha256()));
    assertEquals(
        4,
        ShardSampleIndex.parse(lines.path(), blob, lines.size()).sampleCount(),
        "the index blob of an encrypted release is stored in plaintext");
    PublishResult rotated = p.rotateKey(r.manifestUri(), "kek-2");
    assertEquals(r.manifest().shards(), rotated.manifest().shards());
  }
}
