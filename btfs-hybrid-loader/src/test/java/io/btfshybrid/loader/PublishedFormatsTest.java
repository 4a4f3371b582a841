package io.btfshybrid.loader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.SampleFormat;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.TierKind;
import io.btfshybrid.core.BlobKeys;
import io.btfshybrid.core.Dataset;
import io.btfshybrid.core.DatasetClient;
import io.btfshybrid.core.DatasetPublisher;
import io.btfshybrid.core.FileTier;
import io.btfshybrid.core.ManifestSigner;
import io.btfshybrid.core.TrustRoot;
import io.btfshybrid.core.samples.SampleFormatException;
import io.btfshybrid.testkit.FaultInjectingTier;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tar and JSON-lines releases published by the real publisher onto file tiers, read back as samples
 * and compared with an independent tar reader (Apache Commons Compress) and with the lines of the
 * file.
 */
class PublishedFormatsTest {
  static final int CHUNK = 1024;

  @TempDir Path tmp;
  final ManifestSigner signer = ManifestSigner.generate();
  final Random random = new Random(42);

  FileTier tier(String id) {
    return FileTier.builder().id(id).kind(TierKind.REPLICA).root(tmp.resolve("tier-" + id)).build();
  }

  byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  /** A WebDataset tar: {@code samples} keys, each with a json, a cls and a seg.png member. */
  byte[] webDatasetTar(String prefix, int samples) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
      t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (int i = 0; i < samples; i++) {
        String key = String.format("%s/%05d", prefix, i);
        byte[] json = ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8);
        put(t, key + ".json", json);
        put(t, key + ".cls", Integer.toString(i % 7).getBytes(StandardCharsets.UTF_8));
        put(t, key + ".seg.png", randomBytes(random.nextInt(3000)));
      }
    }
    return out.toByteArray();
  }

  static void put(TarArchiveOutputStream t, String name, byte[] content) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(content.length);
    t.putArchiveEntry(e);
    t.write(content);
    t.closeArchiveEntry();
  }

  /** Samples of a tar as an independent reader sees them: key → field → member bytes. */
  static Map<String, Map<String, byte[]>> membersByKey(Path tar) throws IOException {
    Map<String, Map<String, byte[]>> out = new LinkedHashMap<>();
    try (InputStream raw = Files.newInputStream(tar);
        TarArchiveInputStream in = new TarArchiveInputStream(raw)) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        if (!e.isFile()) {
          continue;
        }
        String name = e.getName();
        int slash = name.lastIndexOf('/');
        int dot = name.indexOf('.', slash + 1);
        String key = name.substring(0, dot);
        out.computeIfAbsent(key, k -> new LinkedHashMap<>())
            .put(name.substring(dot + 1), in.readAllBytes());
      }
    }
    return out;
  }

  DatasetPublisher.Builder publisher(List<? extends StorageTier> tiers) {
    return DatasetPublisher.builder().tiers(tiers).signer(signer).chunkSize(CHUNK);
  }

  DatasetClient client(StorageTier... tiers) throws IOException {
    DatasetClient.Builder b = DatasetClient.builder().trust(TrustRoot.of(signer.publicKeyset()));
    for (StorageTier t : tiers) {
      b.tier(t);
    }
    return b.build();
  }

  Path writeSource() throws IOException {
    Path src = tmp.resolve("src");
    Files.createDirectories(src.resolve("train"));
    Files.write(src.resolve("train/shard-000.tar"), webDatasetTar("a", 23));
    Files.write(src.resolve("train/shard-001.tar"), webDatasetTar("b/c", 17));
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      lines.append("{\"text\":\"").append("w".repeat(random.nextInt(200))).append(i).append("\"}");
      lines.append('\n');
    }
    lines.append("{\"last\":\"no newline\"}");
    Files.writeString(src.resolve("text.jsonl"), lines);
    return src;
  }

  /** Every sample of {@code samples} equals the tar members / jsonl lines of {@code src}. */
  static void assertSamplesExact(SampleDataset samples, Path src) throws IOException {
    long g = 0;
    for (ShardEntry shard : samples.dataset().shards()) {
      Path file = src.resolve(shard.path());
      if (shard.format() == SampleFormat.TAR) {
        for (Map.Entry<String, Map<String, byte[]>> sample : membersByKey(file).entrySet()) {
          Sample s = samples.get(g++);
          assertEquals(shard.path(), s.shardPath());
          assertEquals(sample.getKey(), s.key());
          Map<String, java.nio.ByteBuffer> fields = s.fields();
          assertEquals(sample.getValue().keySet(), fields.keySet());
          ByteArrayOutputStream concat = new ByteArrayOutputStream();
          for (Map.Entry<String, byte[]> f : sample.getValue().entrySet()) {
            assertArrayEquals(f.getValue(), LoaderTest.bytes(fields.get(f.getKey())), s.key());
            concat.write(f.getValue());
          }
          assertArrayEquals(concat.toByteArray(), LoaderTest.bytes(s.bytes()));
          assertArrayEquals(concat.toByteArray(), s.openStream().readAllBytes());
          assertEquals(concat.size(), s.length());
        }
      } else {
        assertEquals(SampleFormat.JSONL, shard.format());
        String[] lines = Files.readString(file).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
          Sample s = samples.get(g++);
          byte[] line = lines[i].getBytes(StandardCharsets.UTF_8);
          assertEquals(Integer.toString(i), s.key());
          assertArrayEquals(line, LoaderTest.bytes(s.bytes()), "line " + i);
          assertArrayEquals(line, LoaderTest.bytes(s.fields().get("json")));
        }
      }
    }
    assertEquals(samples.size(), g, "every sample was compared");
  }

  @Test
  void tarAndJsonlSamplesEqualTheMembersAndLinesOfTheSource() throws IOException {
    Path src = writeSource();
    FileTier a = tier("a");
    String uri =
        publisher(List.of(a)).build().publish(src, "mixed", "1.0.0").manifestUri().toString();
    try (DatasetClient client = client(a);
        Dataset ds = client.open(URI.create(uri));
        SampleDataset samples = SampleDataset.open(ds)) {
      assertEquals(23 + 17 + 301, samples.size());
      assertSamplesExact(samples, src);
    }
  }

  @Test
  void aMalformedTarIsAPublishErrorNamingShardAndOffsetAndNothingLooksComplete()
      throws IOException {
    Path src = tmp.resolve("bad");
    Files.createDirectories(src);
    byte[] tar = webDatasetTar("k", 3);
    int second = 512 + 512; // first header, then its 8-byte json member padded to 512
    tar[second + 3] ^= 0x21; // a name byte: the header checksum no longer matches
    Files.write(src.resolve("broken.tar"), tar);
    FileTier a = tier("a");
    SampleFormatException e =
        assertThrows(
            SampleFormatException.class,
            () -> publisher(List.of(a)).build().publish(src, "bad", "1.0.0"));
    assertEquals("broken.tar", e.shard());
    assertEquals(second, e.offset());
    assertTrue(e.getMessage().contains("broken.tar") && e.getMessage().contains("1024"));
    assertFalse(Files.exists(a.root().resolve("manifests/bad/1.0.0.json")));
  }

  @Test
  void aLineOverTheLimitIsAPublishErrorNamingShardAndOffset() throws IOException {
    Path src = tmp.resolve("long");
    Files.createDirectories(src);
    String ok = "{\"a\":1}\n{\"b\":2}\n";
    Files.writeString(src.resolve("t.jsonl"), ok + "{\"c\":\"" + "x".repeat(500) + "\"}\n");
    FileTier a = tier("a");
    SampleFormatException e =
        assertThrows(
            SampleFormatException.class,
            () -> publisher(List.of(a)).maxSampleBytes(256).build().publish(src, "long", "1.0.0"));
    assertEquals("t.jsonl", e.shard());
    assertEquals(ok.length(), e.offset());
    assertTrue(e.getMessage().contains("t.jsonl") && e.getMessage().contains("256"));
    assertFalse(Files.exists(a.root().resolve("manifests/long/1.0.0.json")));
  }

  @Test
  void withAReplicaCorruptingOneChunkInTenEverySampleIsExact() throws IOException {
    Path src = writeSource();
    FileTier a = tier("a");
    FileTier b = tier("b");
    String uri =
        publisher(List.of(a, b)).build().publish(src, "mixed", "1.0.0").manifestUri().toString();
    FaultInjectingTier faulty = FaultInjectingTier.wrap(a);
    int corrupted = 0;
    List<String> keys = new ArrayList<>();
    try (DatasetClient probe = client(a);
        Dataset ds = probe.open(URI.create(uri))) {
      for (ShardEntry shard : ds.shards()) {
        String key = BlobKeys.of(shard);
        keys.add(key);
        for (int c = 0; c < shard.chunkCount(); c += 10) {
          faulty.corruptByteAt(key, (long) c * CHUNK + shard.chunkLength(c) / 2);
          corrupted++;
        }
        // the replica's copy of each index blob is damaged too: read from tier b instead
        faulty.corruptByteAt(BlobKeys.of(shard.sampleIndex().sha256()), 3);
      }
    }
    assertTrue(corrupted >= 5, "corrupted " + corrupted + " chunks");
    try (DatasetClient client = client(faulty, b);
        Dataset ds = client.open(URI.create(uri));
        SampleDataset samples = SampleDataset.open(ds)) {
      assertSamplesExact(samples, src);
      assertTrue(client.stats().integrityFailures() > 0, client.stats().toString());
    }
    long readFromReplica = keys.stream().mapToLong(faulty::reads).sum();
    assertTrue(readFromReplica > 0, "the damaged replica was read from");
  }
}
