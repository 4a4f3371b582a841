package io.btfshybrid.loader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.SampleFormat;
import io.btfshybrid.core.samples.SampleFormatException;
import io.btfshybrid.core.samples.SampleIndex;
import io.btfshybrid.core.samples.SampleIndexer;
import io.btfshybrid.core.samples.ShardSampleIndex;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;

/** The indexer against an independent tar reader (Apache Commons Compress) and plain lines. */
class SampleIndexerTest {
  static final Random RANDOM = new Random(12);

  static byte[] tar(List<String> names, List<byte[]> contents) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
      t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      t.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      for (int i = 0; i < names.size(); i++) {
        TarArchiveEntry e = new TarArchiveEntry(names.get(i));
        if (!names.get(i).endsWith("/")) {
          e.setSize(contents.get(i).length);
        }
        t.putArchiveEntry(e);
        if (!names.get(i).endsWith("/")) {
          t.write(contents.get(i));
        }
        t.closeArchiveEntry();
      }
    }
    return out.toByteArray();
  }

  /** Feeds {@code bytes} in random-sized pieces, as the publisher's buffers would come. */
  static SampleIndex index(String path, SampleFormat format, byte[] bytes, long max)
      throws IOException {
    SampleIndexer indexer = SampleIndexer.create(path, format, max);
    int at = 0;
    while (at < bytes.length) {
      int n = Math.min(bytes.length - at, 1 + RANDOM.nextInt(1500));
      indexer.update(bytes, at, n);
      at += n;
    }
    return indexer.finish();
  }

  /** Commons Compress's view: key -> field -> bytes, in tar order, regular files only. */
  static Map<String, Map<String, byte[]>> membersByKey(byte[] tar) throws IOException {
    Map<String, Map<String, byte[]>> out = new LinkedHashMap<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        if (!e.isFile()) {
          continue;
        }
        String name = e.getName();
        int slash = name.lastIndexOf('/');
        int dot = name.indexOf('.', slash + 1);
        String key = dot < 0 ? name : name.substring(0, dot);
        String field = dot < 0 ? "" : name.substring(dot + 1);
        out.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(field, in.readAllBytes());
      }
    }
    return out;
  }

  /** Where the ustar header naming {@code name} starts (found by scanning, not by the indexer). */
  static long headerOf(byte[] tar, String name) {
    byte[] want = name.getBytes(StandardCharsets.UTF_8);
    for (int at = 0; at + 512 <= tar.length; at += 512) {
      if (Arrays.equals(Arrays.copyOfRange(tar, at, at + want.length), want)
          && tar[at + want.length] == 0) {
        return at;
      }
    }
    throw new AssertionError(name + " not in the tar");
  }

  static byte[] random(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  @Test
  void tarSamplesEqualTheMembersCommonsCompressReads() throws IOException {
    List<String> names = new ArrayList<>();
    List<byte[]> contents = new ArrayList<>();
    names.add("train/");
    contents.add(new byte[0]);
    String longDir = "train/" + "very-long-directory-name-".repeat(8) + "/";
    for (int i = 0; i < 40; i++) {
      String base = (i % 7 == 3 ? longDir : "train/") + String.format("s%05d", i);
      names.add(base + ".jpg");
      contents.add(random(RANDOM.nextInt(3000)));
      names.add(base + ".seg.png");
      contents.add(random(i == 5 ? 0 : RANDOM.nextInt(700)));
      if (i % 3 == 0) {
        names.add(base + ".json");
        contents.add(("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8));
      }
    }
    byte[] tar = tar(names, contents);
    SampleIndex idx = index("shards/a.tar", SampleFormat.TAR, tar, 1 << 20);
    Map<String, Map<String, byte[]>> expected = membersByKey(tar);

    assertEquals(SampleFormat.TAR, idx.format());
    assertEquals(expected.size(), idx.sampleCount());
    ShardSampleIndex parsed =
        ShardSampleIndex.parse("shards/a.tar", idx.blob().orElseThrow(), tar.length);
    int i = 0;
    for (Map.Entry<String, Map<String, byte[]>> e : expected.entrySet()) {
      assertEquals(e.getKey(), parsed.key(i));
      List<String> fields = new ArrayList<>(e.getValue().keySet());
      assertEquals(fields.size(), parsed.memberCount(i), e.getKey());
      long total = 0;
      for (int m = 0; m < fields.size(); m++) {
        assertEquals(fields.get(m), parsed.field(i, m));
        int from = (int) parsed.memberOffset(i, m);
        byte[] got = Arrays.copyOfRange(tar, from, from + (int) parsed.memberLength(i, m));
        assertArrayEquals(e.getValue().get(fields.get(m)), got, e.getKey() + "." + fields.get(m));
        total += got.length;
      }
      assertEquals(total, parsed.sampleLength(i));
      i++;
    }
    // the same bytes always give the same blob (its hash is content-addressed)
    assertEquals(idx.ref(), index("shards/a.tar", SampleFormat.TAR, tar, 1 << 20).ref());
  }

  @Test
  void aCorruptTarHeaderNamesTheShardAndTheHeaderOffset() throws IOException {
    byte[] tar =
        tar(List.of("a.txt", "b.txt", "c.txt"), List.of(random(10), random(600), random(3)));
    int second = 512 + 512; // header, 10 bytes padded to 512
    tar[second + 20] ^= 0x5A; // a byte of b.txt's name: its checksum no longer matches
    SampleFormatException e =
        assertThrows(
            SampleFormatException.class, () -> index("x/bad.tar", SampleFormat.TAR, tar, 1 << 20));
    assertEquals("x/bad.tar", e.shard());
    assertEquals(second, e.offset());
    assertTrue(
        e.getMessage().contains("x/bad.tar") && e.getMessage().contains("1024"), e.getMessage());
  }

  @Test
  void aTruncatedTarIsAnError() throws IOException {
    byte[] tar = tar(List.of("a.txt"), List.of(random(2000)));
    byte[] cut = Arrays.copyOf(tar, 512 + 1000);
    SampleFormatException e =
        assertThrows(
            SampleFormatException.class, () -> index("t.tar", SampleFormat.TAR, cut, 1 << 20));
    assertEquals("t.tar", e.shard());
  }

  @Test
  void membersOfOneKeyMustBeAdjacent() throws IOException {
    byte[] tar =
        tar(List.of("k1.jpg", "k2.jpg", "k1.txt"), List.of(random(5), random(5), random(5)));
    SampleFormatException e =
        assertThrows(
            SampleFormatException.class, () -> index("s.tar", SampleFormat.TAR, tar, 1 << 20));
    assertEquals(headerOf(tar, "k1.txt"), e.offset(), "the header of the second k1 member");
    assertTrue(e.getMessage().contains("'k1'"), e.getMessage());
  }

  @Test
  void jsonlSamplesAreItsLines() throws IOException {
    StringBuilder sb = new StringBuilder();
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      String line = "{\"id\":" + i + ",\"text\":\"" + "x".repeat(RANDOM.nextInt(300)) + "\"}";
      lines.add(line);
      sb.append(line).append('\n');
    }
    lines.add("{\"last\":\"no newline\"}");
    sb.append(lines.get(lines.size() - 1));
    byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
    SampleIndex idx = index("d/x.jsonl", SampleFormat.JSONL, bytes, 1 << 20);
    ShardSampleIndex parsed =
        ShardSampleIndex.parse("d/x.jsonl", idx.blob().orElseThrow(), bytes.length);
    assertEquals(lines.size(), parsed.sampleCount());
    for (int i = 0; i < lines.size(); i++) {
      int from = (int) parsed.memberOffset(i, 0);
      String got = new String(bytes, from, (int) parsed.memberLength(i, 0), StandardCharsets.UTF_8);
      assertEquals(lines.get(i), got);
      assertEquals(Integer.toString(i), parsed.key(i));
      assertEquals("json", parsed.field(i, 0));
    }
  }

  @Test
  void aLineOverTheLimitNamesTheShardAndWhereTheLineStarts() {
    byte[] bytes = ("short\n" + "y".repeat(200) + "\nok\n").getBytes(StandardCharsets.UTF_8);
    SampleFormatException e =
        assertThrows(
            SampleFormatException.class, () -> index("big.jsonl", SampleFormat.JSONL, bytes, 100));
    assertEquals("big.jsonl", e.shard());
    assertEquals(6, e.offset());
    assertTrue(e.getMessage().contains("100"), e.getMessage());
  }

  @Test
  void recordsAreLengthPrefixed() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      byte[] r = random(RANDOM.nextInt(400));
      records.add(r);
      out.write(new byte[] {0, 0, (byte) (r.length >>> 8), (byte) r.length});
      out.write(r);
    }
    byte[] bytes = out.toByteArray();
    SampleIndex idx = index("r.rec", SampleFormat.RECORDS, bytes, 1 << 20);
    ShardSampleIndex parsed =
        ShardSampleIndex.parse("r.rec", idx.blob().orElseThrow(), bytes.length);
    for (int i = 0; i < records.size(); i++) {
      int from = (int) parsed.memberOffset(i, 0);
      assertArrayEquals(
          records.get(i), Arrays.copyOfRange(bytes, from, from + (int) parsed.memberLength(i, 0)));
    }
    byte[] cut = Arrays.copyOf(bytes, bytes.length - 1);
    assertThrows(
        SampleFormatException.class, () -> index("r.rec", SampleFormat.RECORDS, cut, 1 << 20));
  }

  @Test
  void aRawShardIsOneSampleWithoutAnIndex() throws IOException {
    SampleIndex idx = index("a/b.bin", SampleFormat.RAW, random(100), 10);
    assertEquals(1, idx.sampleCount());
    assertTrue(idx.blob().isEmpty() && idx.ref().isEmpty());
  }
}
