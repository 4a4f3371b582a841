package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.btfshybrid.api.DatasetManifest;
import io.btfshybrid.api.LocationHint;
import io.btfshybrid.api.ManifestRejectedException;
import io.btfshybrid.api.ManifestRejectedException.Reason;
import io.btfshybrid.api.SampleFormat;
import io.btfshybrid.api.SampleIndexRef;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.TierKind;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The manifest's optional per-shard sample fields: written for indexed shards only, strict. */
class SampleFieldsCodecTest {
  static final String A = "a".repeat(64);
  static final String B = "b".repeat(64);
  static final String C = "c".repeat(64);

  static ShardEntry raw(String path) {
    return new ShardEntry(
        path,
        10,
        A,
        10,
        A,
        4096,
        List.of(B),
        List.of(
            new LocationHint(
                "mirror", TierKind.REPLICA, Optional.empty(), URI.create("file:///x/" + path))));
  }

  static DatasetManifest manifest(ShardEntry... shards) {
    DatasetManifest.Builder b =
        DatasetManifest.builder()
            .datasetId("demo")
            .version("1.0.0")
            .createdAt(Instant.parse("2026-01-01T00:00:00Z"))
            .owner("o")
            .classification("unclassified");
    for (ShardEntry s : shards) {
      b.shard(s);
    }
    return b.build();
  }

  static ShardEntry indexed(String path) {
    SampleIndexRef ref =
        new SampleIndexRef(
            C,
            123,
            List.of(
                new LocationHint(
                    "mirror",
                    TierKind.REPLICA,
                    Optional.of("eu"),
                    URI.create("file:///x/blobs/" + C))));
    return raw(path).withSamples(SampleFormat.TAR, 7, ref);
  }

  @Test
  void indexedShardsRoundTripAndRawShardsCarryNoSampleFields() throws IOException {
    DatasetManifest m = manifest(raw("a.bin"), indexed("b.tar"));
    byte[] json = ManifestCodec.toCanonicalJson(m);
    DatasetManifest parsed = ManifestCodec.parse(json);
    assertEquals(m, parsed);
    assertArrayEquals(json, ManifestCodec.toCanonicalJson(parsed));
    JsonNode shards = ManifestCodec.JSON.readTree(json).get("shards");
    assertFalse(shards.get(0).has("format"));
    assertFalse(shards.get(0).has("sampleCount"));
    assertFalse(shards.get(0).has("sampleIndex"));
    assertEquals("tar", shards.get(1).get("format").asText());
    assertEquals(7, shards.get(1).get("sampleCount").asLong());
    assertEquals(C, shards.get(1).get("sampleIndex").get("sha256").asText());
    assertEquals(123, shards.get(1).get("sampleIndex").get("size").asLong());
    assertEquals(
        "file:///x/blobs/" + C,
        shards.get(1).get("sampleIndex").get("locations").get(0).get("uri").asText());
    ShardEntry b = parsed.shards().get(1);
    assertEquals(SampleFormat.TAR, b.format());
    assertEquals(7, b.sampleCount());
    assertEquals(Optional.of("eu"), b.sampleIndex().locations().get(0).region());
    assertEquals(SampleFormat.RAW, parsed.shards().get(0).format());
    assertEquals(1, parsed.shards().get(0).sampleCount());
  }

  @Test
  void aRawShardEncodesExactlyAsBeforeSampleFieldsExisted() {
    String json =
        new String(ManifestCodec.toCanonicalJson(manifest(raw("a.bin"))), StandardCharsets.UTF_8);
    assertEquals(
        "{\"classification\":\"unclassified\",\"createdAt\":\"2026-01-01T00:00:00Z\","
            + "\"datasetId\":\"demo\",\"owner\":\"o\",\"schemaVersion\":"
            + DatasetManifest.SCHEMA_VERSION
            + ",\"shards\":[{\"chunkSize\":4096,\"chunks\":[\""
            + B
            + "\"],\"locations\":[{\"kind\":\"REPLICA\",\"tier\":\"mirror\","
            + "\"uri\":\"file:///x/a.bin\"}],\"path\":\"a.bin\",\"sha256\":\""
            + A
            + "\",\"size\":10,\"storedSha256\":\""
            + A
            + "\",\"storedSize\":10}],\"tags\":{},\"version\":\"1.0.0\"}",
        json);
  }

  /** The canonical bytes of a one-indexed-shard manifest after {@code edit} of its shard node. */
  static byte[] edited(Consumer<ObjectNode> edit) throws IOException {
    ObjectNode root =
        (ObjectNode)
            ManifestCodec.JSON.readTree(ManifestCodec.toCanonicalJson(manifest(indexed("b.tar"))));
    edit.accept((ObjectNode) root.get("shards").get(0));
    return ManifestCodec.JSON.writeValueAsBytes(ManifestCodec.sorted(root));
  }

  static ManifestRejectedException rejected(Consumer<ObjectNode> edit) throws IOException {
    byte[] json = edited(edit);
    return assertThrows(ManifestRejectedException.class, () -> ManifestCodec.parse(json));
  }

  @Test
  void malformedSampleFieldsAreRefusedNamingTheShard() throws IOException {
    ManifestRejectedException unknown = rejected(s -> s.put("format", "parquet"));
    assertEquals(Reason.MALFORMED, unknown.reason());
    assertTrue(unknown.getMessage().contains("parquet"), unknown.getMessage());
    assertTrue(unknown.getMessage().contains("b.tar"), unknown.getMessage());

    ManifestRejectedException noCount = rejected(s -> s.remove("sampleCount"));
    assertEquals(Reason.MALFORMED, noCount.reason());
    assertTrue(noCount.getMessage().contains("sampleCount"), noCount.getMessage());

    ManifestRejectedException noIndex = rejected(s -> s.remove("sampleIndex"));
    assertEquals(Reason.MALFORMED, noIndex.reason());
    assertTrue(noIndex.getMessage().contains("sampleIndex"), noIndex.getMessage());

    ManifestRejectedException negative = rejected(s -> s.put("sampleCount", -1));
    assertEquals(Reason.MALFORMED, negative.reason());

    ManifestRejectedException badHash =
        rejected(s -> ((ObjectNode) s.get("sampleIndex")).put("sha256", "xyz"));
    assertEquals(Reason.MALFORMED, badHash.reason());

    ManifestRejectedException extra =
        rejected(s -> ((ObjectNode) s.get("sampleIndex")).put("offsets", 1));
    assertEquals(Reason.MALFORMED, extra.reason());
    assertTrue(extra.getMessage().contains("offsets"), extra.getMessage());

    ManifestRejectedException rawWithFields = rejected(s -> s.put("format", "raw"));
    assertEquals(Reason.MALFORMED, rawWithFields.reason());

    ManifestRejectedException formatOnly =
        rejected(
            s -> {
              s.remove("sampleCount");
              s.remove("sampleIndex");
            });
    assertEquals(Reason.MALFORMED, formatOnly.reason());
  }

  @Test
  void theStreamingShapeCheckBoundsIndexLocations() throws IOException {
    ManifestRejectedException deep =
        rejected(
            s ->
                ((ObjectNode) s.get("sampleIndex").get("locations").get(0))
                    .putObject("nested")
                    .put("x", 1));
    assertEquals(Reason.TOO_LARGE, deep.reason());
    ManifestRejectedException stray =
        rejected(s -> ((ObjectNode) s.get("sampleIndex")).putObject("extra"));
    assertEquals(Reason.MALFORMED, stray.reason());
    assertTrue(stray.getMessage().contains("shards[].sampleIndex.extra"), stray.getMessage());
    ManifestRejectedException many =
        rejected(
            s -> {
              var locs =
                  (com.fasterxml.jackson.databind.node.ArrayNode)
                      s.get("sampleIndex").get("locations");
              JsonNode one = locs.get(0);
              for (int i = 0; i < ManifestCodec.MAX_LOCATIONS_PER_SHARD; i++) {
                locs.add(one.deepCopy());
              }
            });
    assertEquals(Reason.TOO_LARGE, many.reason());
  }
}
