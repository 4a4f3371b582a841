package io.btfshybrid.loader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.hash.Hashing;
import io.btfshybrid.api.IntegrityException;
import io.btfshybrid.api.SampleFormat;
import io.btfshybrid.api.SampleIndexRef;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.core.samples.SampleIndex;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SampleDataset over shards that carry sample fields, as the publisher will write them once the
 * indexer is wired: a tar, a raw file and a jsonl, index blobs fetched by hash and verified.
 */
class IndexedSampleDatasetTest {
  final Map<String, byte[]> files = new LinkedHashMap<>();
  final Map<String, byte[]> blobs = new HashMap<>();
  final List<ShardEntry> shards = new ArrayList<>();

  void add(String path, byte[] bytes, SampleFormat format) throws IOException {
    files.put(path, bytes);
    String sha = Hashing.sha256().hashBytes(bytes).toString();
    ShardEntry e =
        new ShardEntry(
            path,
            bytes.length,
            sha,
            bytes.length,
            sha,
            ShardEntry.MAX_CHUNK_SIZE,
            bytes.length == 0 ? List.of() : List.of(sha),
            List.of());
    if (format != SampleFormat.RAW) {
      SampleIndex idx = SampleIndexerTest.index(path, format, bytes, 1 << 20);
      SampleIndexRef ref = idx.ref().orElseThrow();
      blobs.put(ref.sha256(), idx.blob().orElseThrow());
      e = e.withSamples(format, idx.sampleCount(), ref);
    }
    shards.add(e);
  }

  SampleDataset open(IndexBlobReader reader) {
    ShardBytes bytes =
        new ShardBytes() {
          @Override
          public List<ShardEntry> shards() {
            return shards;
          }

          @Override
          public String manifestHash() {
            return "0".repeat(64);
          }

          @Override
          public java.nio.ByteBuffer read(ShardEntry shard, long offset, int length) {
            return java.nio.ByteBuffer.wrap(files.get(shard.path()), (int) offset, length).slice();
          }
        };
    return new SampleDataset(null, bytes, reader, 1 << 20);
  }

  @Test
  void samplesOfTarJsonlAndRawShardsAreTheirMembersLinesAndFiles() throws IOException {
    List<String> names = new ArrayList<>();
    List<byte[]> contents = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      names.add("x/k" + i + ".cls");
      contents.add(Integer.toString(i % 3).getBytes(StandardCharsets.UTF_8));
      names.add("x/k" + i + ".img.jpg");
      contents.add(SampleIndexerTest.random(100 + i * 13));
    }
    byte[] tar = SampleIndexerTest.tar(names, contents);
    add("a.tar", tar, SampleFormat.TAR);
    add("b/raw.bin", "raw file".getBytes(StandardCharsets.UTF_8), SampleFormat.RAW);
    add("c.jsonl", "{\"a\":1}\n\n{\"b\":2}\n".getBytes(StandardCharsets.UTF_8), SampleFormat.JSONL);
    Map<String, Map<String, byte[]>> members = SampleIndexerTest.membersByKey(tar);

    try (SampleDataset ds = open((shard, ref) -> blobs.get(ref.sha256()))) {
      assertEquals(25 + 1 + 3, ds.size());
      int g = 0;
      for (Map.Entry<String, Map<String, byte[]>> e : members.entrySet()) {
        Sample s = ds.get(g);
        assertEquals(e.getKey(), s.key());
        assertEquals(new SampleRef(0, g, g), s.ref());
        ByteArrayOutputStream concat = new ByteArrayOutputStream();
        Map<String, java.nio.ByteBuffer> fields = s.fields();
        assertEquals(List.copyOf(e.getValue().keySet()), List.copyOf(fields.keySet()));
        for (Map.Entry<String, byte[]> m : e.getValue().entrySet()) {
          assertArrayEquals(m.getValue(), LoaderTest.bytes(fields.get(m.getKey())));
          concat.write(m.getValue());
        }
        assertArrayEquals(concat.toByteArray(), LoaderTest.bytes(s.bytes()));
        assertArrayEquals(concat.toByteArray(), s.openStream().readAllBytes());
        assertEquals(concat.size(), s.length());
        g++;
      }
      Sample raw = ds.get(25);
      assertEquals("b/raw", raw.key());
      assertArrayEquals(files.get("b/raw.bin"), LoaderTest.bytes(raw.fields().get("bin")));
      String[] lines = {"{\"a\":1}", "", "{\"b\":2}"};
      for (int i = 0; i < 3; i++) {
        Sample line = ds.get(26 + i);
        assertEquals(Integer.toString(i), line.key());
        assertEquals(new SampleRef(2, i, 26 + i), line.ref());
        assertEquals(lines[i], StandardCharsets.UTF_8.decode(line.fields().get("json")).toString());
      }
    }
  }

  @Test
  void anIndexBlobWithOtherBytesIsAnIntegrityErrorNamingTheShard() throws IOException {
    add("j.jsonl", "1\n2\n3\n".getBytes(StandardCharsets.UTF_8), SampleFormat.JSONL);
    try (SampleDataset ds =
        open(
            (shard, ref) -> {
              byte[] b = blobs.get(ref.sha256()).clone();
              b[b.length - 1] ^= 1;
              return b;
            })) {
      IntegrityException e = assertThrows(IntegrityException.class, () -> ds.get(1));
      assertTrue(e.getMessage().contains("j.jsonl"), e.getMessage());
      assertEquals(3, ds.size(), "the size comes from the manifest, without reading any index");
    }
  }
}
