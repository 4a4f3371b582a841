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
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shards pinned in the disk cache: never evicted, read locally, each chunk verified once. */
class PinnedShardTest {
  static final int SHARD = 100 * 1024;
  static final long CACHE_BYTES = 1024 * 1024;

  @TempDir Path tmp;

  DiskCacheTest.Fixture publish(int shards) throws IOException {
    Path src = tmp.resolve("src");
    for (int i = 0; i < shards; i++) {
      Releases.write(src, String.format("s/%03d.bin", i), Releases.random(i, SHARD + i));
    }
    FileTier tier = Releases.tier(tmp.resolve("replica"), "mirror", TierKind.REPLICA);
    ManifestSigner signer = ManifestSigner.generate();
    return new DiskCacheTest.Fixture(
        tier, signer, Releases.publisher(signer, List.of(tier)).publish(src, "c", "1"), src);
  }

  DatasetClient client(DiskCacheTest.Fixture f) throws IOException {
    return DatasetClient.builder()
        .tier(f.tier())
        .trust(TrustRoot.of(f.signer().publicKeyset()))
        .cacheDirectory(tmp.resolve("cache"))
        .cacheMaxBytes(CACHE_BYTES)
        .build();
  }

  @Test
  void aPinnedShardSurvivesPressureThatEvictsUnpinnedOnes() throws IOException {
    int shards = (int) (3 * CACHE_BYTES / SHARD);
    DiskCacheTest.Fixture f = publish(shards);
    Path cacheDir = tmp.resolve("cache");
    try (DatasetClient client = client(f);
        Dataset ds = client.open(f.release().manifestUri())) {
      assertEquals(CACHE_BYTES, client.cacheMaxBytes().orElseThrow());
      ShardEntry first = ds.shards().get(0);
      ShardEntry second = ds.shards().get(1);
      ds.openShard(second.path()).close(); // cached, unpinned
      ds.openShard(second.path()).transferTo(java.io.OutputStream.nullOutputStream());
      try (PinnedShard pinned = ds.pin(first.path()).orElseThrow()) {
        assertTrue(Files.exists(cacheDir.resolve(first.storedSha256())));
        for (ShardEntry s : ds.shards().subList(2, shards)) {
          Releases.readAll(ds.openShard(s.path())); // three times the cache's bound
          assertTrue(
              DiskCacheTest.dirBytes(cacheDir) <= CACHE_BYTES,
              "cache holds " + DiskCacheTest.dirBytes(cacheDir) + " bytes");
        }
        assertTrue(Files.exists(cacheDir.resolve(first.storedSha256())), "the pinned copy stays");
        assertFalse(
            Files.exists(cacheDir.resolve(second.storedSha256())), "the unpinned one was evicted");
        byte[] expected = Files.readAllBytes(f.source().resolve(first.path()));
        long servedBefore = client.stats().source("mirror").bytesServed();
        int from = SHARD / 2 - 7;
        assertArrayEquals(
            Arrays.copyOfRange(expected, from, from + 5000),
            Releases.readAll(pinned.openShard(from, 5000)));
        assertArrayEquals(expected, Releases.readAll(pinned.openShard(0, expected.length)));
        assertEquals(
            servedBefore,
            client.stats().source("mirror").bytesServed(),
            "pinned reads come from the local copy");
      }
      // unpinned: now it goes like any other entry under pressure
      for (ShardEntry s : ds.shards().subList(2, shards)) {
        Releases.readAll(ds.openShard(s.path()));
      }
      assertFalse(Files.exists(cacheDir.resolve(first.storedSha256())), "evicted once unpinned");
    }
  }

  @Test
  void pinsAreCountedAndKeepTheDirectoryWithinItsBound() throws IOException {
    DiskCacheTest.Fixture f = publish(12);
    Path cacheDir = tmp.resolve("cache");
    try (DatasetClient client = client(f);
        Dataset ds = client.open(f.release().manifestUri())) {
      ShardEntry first = ds.shards().get(0);
      PinnedShard a = ds.pin(first.path()).orElseThrow();
      PinnedShard b = ds.pin(first.path()).orElseThrow();
      a.close();
      for (ShardEntry s : ds.shards().subList(1, 12)) {
        Releases.readAll(ds.openShard(s.path()));
      }
      assertTrue(Files.exists(cacheDir.resolve(first.storedSha256())), "one pin is still held");
      assertTrue(DiskCacheTest.dirBytes(cacheDir) <= CACHE_BYTES);
      b.close();
      b.close(); // idempotent: releases its pin once
      for (ShardEntry s : ds.shards().subList(1, 12)) {
        Releases.readAll(ds.openShard(s.path()));
      }
      assertFalse(Files.exists(cacheDir.resolve(first.storedSha256())));
    }
  }

  @Test
  void aPinnedCopyDamagedOnDiskIsDroppedAndTheTiersServeExactBytes() throws IOException {
    DiskCacheTest.Fixture f = publish(1);
    try (DatasetClient client = client(f);
        Dataset ds = client.open(f.release().manifestUri())) {
      ShardEntry shard = ds.shards().get(0);
      byte[] expected = Files.readAllBytes(f.source().resolve(shard.path()));
      ds.pin(shard.path()).orElseThrow().close(); // fills the copy (verified as it is written)
      try (PinnedShard pinned = ds.pin(shard.path()).orElseThrow()) { // a warm pin verifies
        Path file = tmp.resolve("cache").resolve(shard.storedSha256());
        Releases.flipByte(file, Releases.CHUNK + 10); // chunk 1, not read through the pin yet
        assertArrayEquals(
            Arrays.copyOfRange(expected, 100, 200), Releases.readAll(pinned.openShard(100, 100)));
        long before = client.stats().source("mirror").bytesServed();
        assertArrayEquals(
            Arrays.copyOfRange(expected, Releases.CHUNK, Releases.CHUNK + 50),
            Releases.readAll(pinned.openShard(Releases.CHUNK, 50)));
        assertEquals(1, client.stats().source("cache").integrityFailures());
        assertTrue(client.stats().source("mirror").bytesServed() > before, "read from the tier");
        assertFalse(Files.exists(file), "the damaged copy is dropped");
        assertArrayEquals(expected, Releases.readAll(pinned.openShard(0, expected.length)));
      }
    }
  }

  @Test
  void aJustFilledPinIsNotHashedAgainAndAWarmPinHashesEachChunkOnce() throws IOException {
    DiskCacheTest.Fixture f = publish(1);
    try (DatasetClient client = client(f);
        Dataset ds = client.open(f.release().manifestUri())) {
      ShardEntry shard = ds.shards().get(0);
      byte[] expected = Files.readAllBytes(f.source().resolve(shard.path()));
      long before = client.stats().source("cache").bytesServed();
      try (PinnedShard filled = ds.pin(shard.path()).orElseThrow()) {
        assertTrue(client.stats().source("mirror").bytesServed() >= shard.storedSize());
        assertArrayEquals(expected, Releases.readAll(filled.openShard(0, expected.length)));
        assertArrayEquals(expected, Releases.readAll(filled.openShard(0, expected.length)));
        assertEquals(0, filled.chunksHashed(), "verified as it was written: not hashed again");
      }
      assertEquals(
          before + shard.storedSize(),
          client.stats().source("cache").bytesServed(),
          "served from the cache copy, each chunk counted once");
      long mirror = client.stats().source("mirror").bytesServed();
      try (PinnedShard warm = ds.pin(shard.path()).orElseThrow()) {
        assertArrayEquals(expected, Releases.readAll(warm.openShard(0, expected.length)));
        assertArrayEquals(expected, Releases.readAll(warm.openShard(0, expected.length)));
        assertEquals(shard.chunkCount(), warm.chunksHashed(), "a warm pin: each chunk hashed once");
      }
      assertEquals(mirror, client.stats().source("mirror").bytesServed(), "warm: no tier read");
    }
  }

  @Test
  void aClientWithoutADiskCachePinsNothing() throws IOException {
    DiskCacheTest.Fixture f = publish(1);
    try (DatasetClient client =
            DatasetClient.builder()
                .tier(f.tier())
                .trust(TrustRoot.of(f.signer().publicKeyset()))
                .build();
        Dataset ds = client.open(f.release().manifestUri())) {
      assertTrue(client.cacheMaxBytes().isEmpty());
      assertTrue(ds.pin(ds.shards().get(0).path()).isEmpty());
    }
  }
}
