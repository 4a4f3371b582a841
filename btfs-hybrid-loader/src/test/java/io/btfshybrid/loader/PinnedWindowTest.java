package io.btfshybrid.loader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.SampleFormat;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.StorageTier;
import io.btfshybrid.core.BlobKeys;
import io.btfshybrid.core.Dataset;
import io.btfshybrid.core.DatasetClient;
import io.btfshybrid.core.FileTier;
import io.btfshybrid.core.TrustRoot;
import io.btfshybrid.testkit.FaultInjectingTier;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A loader pinning its window in the client's disk cache ({@link ShardCache#of}): each shard is
 * fetched from the tiers once, samples are exact (tar members as Commons Compress reads them, jsonl
 * lines), also with a tier corrupting one chunk in ten; a window over the cache's bound fails at
 * build() naming both numbers.
 */
class PinnedWindowTest {
  @TempDir Path tmp;
  PublishedFormatsTest formats;
  Path src;

  @BeforeEach
  void source() throws IOException {
    formats = new PublishedFormatsTest();
    formats.tmp = tmp;
    src = formats.writeSource();
  }

  /** "shard#key" → the sample's bytes, from the source files by an independent reader. */
  static Map<String, byte[]> expected(Path src, List<ShardEntry> shards) throws IOException {
    Map<String, byte[]> out = new HashMap<>();
    for (ShardEntry shard : shards) {
      Path file = src.resolve(shard.path());
      if (shard.format() == SampleFormat.TAR) {
        for (var sample : PublishedFormatsTest.membersByKey(file).entrySet()) {
          ByteArrayOutputStream concat = new ByteArrayOutputStream();
          for (byte[] member : sample.getValue().values()) {
            concat.write(member);
          }
          out.put(shard.path() + "#" + sample.getKey(), concat.toByteArray());
        }
      } else {
        String[] lines = Files.readString(file).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
          out.put(shard.path() + "#" + i, lines[i].getBytes(StandardCharsets.UTF_8));
        }
      }
    }
    return out;
  }

  DatasetClient client(long cacheBytes, StorageTier... tiers) throws IOException {
    DatasetClient.Builder b =
        DatasetClient.builder()
            .trust(TrustRoot.of(formats.signer.publicKeyset()))
            .cacheDirectory(tmp.resolve("cache"))
            .cacheMaxBytes(cacheBytes);
    for (StorageTier t : tiers) {
      b.tier(t);
    }
    return b.build();
  }

  static Loader.Builder loader(DatasetClient client, String uri) {
    return Loader.builder(client).stream(uri)
        .batchSize(8)
        .seed(11)
        .blockSize(64)
        .canonicalPartitions(4)
        .prefetchSamples(32)
        .readThreads(2);
  }

  /** Every sample of one epoch as "shard#key", each checked against {@code expected}. */
  static List<String> drain(Loader loader, Map<String, byte[]> expected) throws IOException {
    List<String> seen = new ArrayList<>();
    try (LoaderIterator it = loader.iterator(0)) {
      while (it.hasNext()) {
        try (SampleBatch b = it.next()) {
          for (Sample s : b) {
            String id = s.shardPath() + "#" + s.key();
            byte[] want = expected.get(id);
            assertNotNull(want, id);
            assertArrayEquals(want, LoaderTest.bytes(s.bytes()), id);
            assertArrayEquals(want, s.openStream().readAllBytes(), id);
            seen.add(id);
          }
        }
      }
    }
    return seen;
  }

  @Test
  void eachShardIsFetchedOnceAndEverySampleIsExactInTheLoadersOrder() throws IOException {
    FaultInjectingTier tier = FaultInjectingTier.wrap(formats.tier("a"));
    String uri = formats.publisher(List.of(tier)).build().publish(src, "p", "1").manifestUri() + "";
    List<String> plain;
    try (DatasetClient client = formats.client(tier);
        Dataset ds = client.open(URI.create(uri))) {
      Map<String, byte[]> want = expected(src, ds.shards());
      try (Loader loader = loader(client, uri).build()) {
        plain = drain(loader, want);
      }
      List<String> keys = ds.shards().stream().map(BlobKeys::of).toList();
      keys.forEach(k -> assertTrue(tier.bytesServed(k) > 0));
      Map<String, Long> before = new HashMap<>();
      keys.forEach(k -> before.put(k, tier.bytesServed(k)));
      ShardCache cache;
      List<String> pinned;
      try (DatasetClient cached = client(64L << 20, tier)) {
        cache = ShardCache.of(cached);
        assertEquals(64L << 20, cache.budgetBytes());
        try (Loader loader = loader(cached, uri).cache(cache).build()) {
          pinned = drain(loader, want);
          assertTrue(loader.stats().bytesByTier().containsKey("cache"), loader.stats().toString());
        }
        assertEquals(0, ((ClientShardCache) cache).pinned(), "every pin released with the loader");
        long served = keys.stream().mapToLong(tier::bytesServed).sum();
        try (Loader again = loader(cached, uri).cache(cache).build()) {
          assertEquals(pinned, drain(again, want), "a second loader over the same cache");
        }
        assertEquals(
            served,
            keys.stream().mapToLong(tier::bytesServed).sum(),
            "the second loader read no shard bytes from the tier, only the cached copies");
      }
      assertEquals(plain, pinned, "the cache changes no sample and no position");
      assertEquals((want.size() + 7) / 8 * 8, pinned.size(), "an epoch padded to the global batch");
      for (ShardEntry s : ds.shards()) {
        long fetched = tier.bytesServed(BlobKeys.of(s)) - before.get(BlobKeys.of(s));
        assertEquals(s.storedSize(), fetched, "shard " + s.path() + " fetched from the tier once");
      }
    }
  }

  @Test
  void withATierCorruptingOneChunkInTenEveryPinnedSampleIsExact() throws IOException {
    FileTier a = formats.tier("a");
    FileTier b = formats.tier("b");
    String uri = formats.publisher(List.of(a, b)).build().publish(src, "c", "1").manifestUri() + "";
    FaultInjectingTier faulty = FaultInjectingTier.wrap(a);
    try (DatasetClient probe = formats.client(a);
        Dataset ds = probe.open(URI.create(uri))) {
      for (ShardEntry shard : ds.shards()) {
        for (int c = 0; c < shard.chunkCount(); c += 10) {
          faulty.corruptByteAt(
              BlobKeys.of(shard), (long) c * PublishedFormatsTest.CHUNK + shard.chunkLength(c) / 2);
        }
      }
    }
    try (DatasetClient client = client(64L << 20, faulty, b);
        Dataset ds = client.open(URI.create(uri));
        Loader loader = loader(client, uri).cache(ShardCache.of(client)).build()) {
      Map<String, byte[]> want = expected(src, ds.shards());
      List<String> seen = drain(loader, want);
      assertEquals(want.keySet(), new java.util.HashSet<>(seen), "every sample, each exact");
      assertTrue(loader.stats().integrityFailures() > 0, loader.stats().toString());
    }
  }

  @Test
  void aWindowOverTheClientCachesBoundFailsAtBuildNamingBothNumbers() throws IOException {
    FileTier a = formats.tier("a");
    String uri = formats.publisher(List.of(a)).build().publish(src, "w", "1").manifestUri() + "";
    long need;
    try (DatasetClient probe = formats.client(a);
        Dataset ds = probe.open(URI.create(uri))) {
      need = ds.shards().stream().mapToLong(ShardEntry::storedSize).sum(); // 3 shards < 32
    }
    long budget = need - 1;
    try (DatasetClient client = client(budget, a)) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () -> loader(client, uri).cache(ShardCache.of(client)).build());
      assertTrue(e.getMessage().contains(need + " bytes"), e.getMessage());
      assertTrue(e.getMessage().contains(budget + " bytes"), e.getMessage());
    }
    try (DatasetClient noCache = formats.client(a)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> ShardCache.of(noCache));
      assertTrue(e.getMessage().contains("cacheDirectory"), e.getMessage());
    }
  }
}
