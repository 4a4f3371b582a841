package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.TierKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskCacheTest {
  static final int SHARD = 100 * 1024;
  static final long CACHE_BYTES = 1024 * 1024;

  @TempDir Path tmp;

  record Fixture(FileTier tier, ManifestSigner signer, PublishResult release, Path source) {}

  Fixture publish(int shards) throws IOException {
    Path src = tmp.resolve("src");
    for (int i = 0; i < shards; i++) {
      Releases.write(src, String.format("s/%03d.bin", i), Releases.random(i, SHARD + i));
    }
    FileTier tier = Releases.tier(tmp.resolve("replica"), "mirror", TierKind.REPLICA);
    ManifestSigner signer = ManifestSigner.generate();
    return new Fixture(
        tier, signer, Releases.publisher(signer, List.of(tier)).publish(src, "c", "1"), src);
  }

  DatasetClient client(Fixture f) throws IOException {
    return DatasetClient.builder()
        .tier(f.tier())
        .trust(TrustRoot.of(f.signer().publicKeyset()))
        .cacheDirectory(tmp.resolve("cache"))
        .cacheMaxBytes(CACHE_BYTES)
        .build();
  }

  static long dirBytes(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.mapToLong(p -> p.toFile().length()).sum();
    }
  }

  @Test
  void staysWithinItsBoundAndCachedShardsSurviveEmptyTiers() throws IOException {
    int shards = (int) (3 * CACHE_BYTES / SHARD) + 1; // three times the cache size
    Fixture f = publish(shards);
    Path cacheDir = tmp.resolve("cache");
    try (DatasetClient client = client(f);
        Dataset ds = client.open(f.release().manifestUri())) {
      for (ShardEntry s : ds.shards()) {
        assertArrayEquals(
            Files.readAllBytes(f.source().resolve(s.path())),
            Releases.readAll(ds.openShard(s.path())));
        assertTrue(
            dirBytes(cacheDir) <= CACHE_BYTES, "cache holds " + dirBytes(cacheDir) + " bytes");
      }
    }
    // empty the only tier: what the cache holds still reads, verified
    List<String> cached;
    try (Stream<Path> s = Files.list(cacheDir)) {
      cached = s.map(p -> p.getFileName().toString()).toList();
    }
    assertTrue(cached.size() >= 5, "cache kept " + cached.size() + " shards");
    deleteBlobs(f.tier());
    try (DatasetClient client = client(f);
        Dataset ds = client.open(f.release().manifestUri())) {
      int read = 0;
      for (ShardEntry s : ds.shards()) {
        if (cached.contains(s.storedSha256())) {
          assertArrayEquals(
              Files.readAllBytes(f.source().resolve(s.path())),
              Releases.readAll(ds.openShard(s.path())));
          read++;
        }
      }
      assertEquals(cached.size(), read);
      assertEquals(read, client.stats().cacheHits(), "the index was rebuilt from the directory");
    }
  }

  @Test
  void aDamagedCacheEntryIsDroppedAndRefetchedNeverServed() throws IOException {
    Fixture f = publish(2);
    ShardEntry shard = f.release().manifest().shards().get(0);
    byte[] expected = Files.readAllBytes(f.source().resolve(shard.path()));
    try (DatasetClient client = client(f);
        Dataset ds = client.open(f.release().manifestUri())) {
      assertArrayEquals(expected, Releases.readAll(ds.openShard(shard.path())));
    }
    Path cachedFile = tmp.resolve("cache").resolve(shard.storedSha256());
    PublishAndReadTest.flipByte(cachedFile, 10);
    try (DatasetClient client = client(f);
        Dataset ds = client.open(f.release().manifestUri())) {
      assertArrayEquals(expected, Releases.readAll(ds.openShard(shard.path())));
      assertEquals(1, client.stats().source("cache").integrityFailures());
      assertEquals(shard.size(), client.stats().source("mirror").bytesServed());
    }
    assertFalse(
        Files.exists(cachedFile)
            && Files.size(cachedFile) == shard.size()
            && PublishAndReadTest.differs(cachedFile, expected),
        "the damaged copy is gone");
  }

  @Test
  void partialFilesFromACrashAreRemovedOnRestart() throws IOException {
    Fixture f = publish(1);
    Path cacheDir = Files.createDirectories(tmp.resolve("cache"));
    Path partial = cacheDir.resolve(".abc" + AtomicFiles.TEMP_SUFFIX);
    Files.write(partial, new byte[100]);
    try (DatasetClient client = client(f)) {
      assertFalse(Files.exists(partial));
    }
  }

  @Test
  void eightThreadsReadingOneShardFetchItOnce() throws Exception {
    Fixture f = publish(1);
    ShardEntry shard = f.release().manifest().shards().get(0);
    byte[] expected = Files.readAllBytes(f.source().resolve(shard.path()));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (DatasetClient client = client(f);
        Dataset ds = client.open(f.release().manifestUri())) {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<byte[]>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        Callable<byte[]> read =
            () -> {
              start.await();
              return Releases.readAll(ds.openShard(shard.path()));
            };
        results.add(pool.submit(read));
      }
      start.countDown();
      for (Future<byte[]> r : results) {
        assertArrayEquals(expected, r.get());
      }
      assertEquals(
          shard.size(),
          client.stats().source("mirror").bytesServed(),
          "the tier served the shard once");
      assertEquals(1, client.stats().cacheFills());
    } finally {
      pool.shutdownNow();
    }
  }

  static void deleteBlobs(FileTier tier) throws IOException {
    try (Stream<Path> s = Files.walk(tier.root().resolve("blobs"))) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        Files.delete(p);
      }
    }
  }
}
