package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.IntegrityException;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.TierKind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cold read through the disk cache verifies each chunk once, for the reader and the cache entry
 * together; the entry appears only complete, never after a failed or abandoned read, and once
 * however many threads read the shard at the same time.
 */
class ColdCacheFillTest {
  static final int CHUNK = Releases.CHUNK;
  static final String PATH = "data/cold.bin";

  @TempDir Path tmp;
  byte[] content = Releases.random(7, CHUNK * 9 + 123);
  FileTier replica;
  ManifestSigner signer;
  PublishResult release;

  void publish() throws IOException {
    Releases.write(tmp.resolve("src"), PATH, content);
    replica = Releases.tier(tmp.resolve("replica"), "mirror", TierKind.REPLICA);
    signer = ManifestSigner.generate();
    release = Releases.publisher(signer, List.of(replica)).publish(tmp.resolve("src"), "d", "1");
  }

  DatasetClient client(long readAhead) throws IOException {
    return DatasetClient.builder()
        .tier(replica)
        .trust(TrustRoot.of(signer.publicKeyset()))
        .cacheDirectory(tmp.resolve("cache"))
        .cacheMaxBytes(64L << 20)
        .readAhead(readAhead)
        .build();
  }

  ShardEntry shard() {
    return release.manifest().shard(PATH).orElseThrow();
  }

  /** The names in the cache directory (entries, partial files, lock files). */
  List<String> cacheFiles() throws IOException {
    try (Stream<Path> s = Files.list(tmp.resolve("cache"))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aColdCachedReadHashesEachByteOnceAndFillsTheCacheOnce() throws IOException {
    publish();
    for (long readAhead : new long[] {0, 4L * CHUNK}) {
      Files.createDirectories(tmp.resolve("cache"));
      try (DatasetClient client = client(readAhead);
          Dataset ds = client.open(release.manifestUri())) {
        long before = client.readPools().hasher().bytesHashed();
        assertArrayEquals(content, Releases.readAll(ds.openShard(PATH)));
        assertEquals(
            content.length,
            client.readPools().hasher().bytesHashed() - before,
            "read-ahead " + readAhead + ": every byte hashed exactly once on the cold read");
        assertEquals(1, client.stats().cacheFills());
        assertEquals(content.length, client.stats().source("mirror").bytesServed());
        assertEquals(
            List.of(shard().storedSha256()), cacheFiles(), "one whole entry, no leftovers");
        assertArrayEquals(
            content, Files.readAllBytes(tmp.resolve("cache").resolve(cacheFiles().get(0))));

        assertArrayEquals(content, Releases.readAll(ds.openShard(PATH)));
        assertEquals(1, client.stats().cacheHits(), "the second read is a hit");
        assertEquals(content.length, client.stats().source("mirror").bytesServed());
      }
      Files.delete(tmp.resolve("cache").resolve(shard().storedSha256()));
    }
  }

  @Test
  void aReadClosedHalfwayLeavesNoEntryAndTheNextReadFillsIt() throws IOException {
    publish();
    try (DatasetClient client = client(4L * CHUNK);
        Dataset ds = client.open(release.manifestUri())) {
      try (InputStream in = ds.openShard(PATH)) {
        assertArrayEquals(Arrays.copyOf(content, CHUNK * 4), in.readNBytes(CHUNK * 4));
        assertEquals(List.of(), cacheFiles().stream().filter(n -> !n.startsWith(".")).toList());
      }
      assertEquals(List.of(), cacheFiles(), "no entry, no partial file, no lock left");
      assertEquals(0, client.stats().cacheFills());
      assertArrayEquals(content, Releases.readAll(ds.openShard(PATH)));
      assertEquals(1, client.stats().cacheFills());
      assertEquals(List.of(shard().storedSha256()), cacheFiles());
    }
  }

  @Test
  void aFailureMidFillLeavesNoEntryAndNamesTheChunk() throws IOException {
    publish();
    Releases.flipByte(Releases.blobFile(replica, shard()), 5L * CHUNK + 3);
    try (DatasetClient client = client(4L * CHUNK);
        Dataset ds = client.open(release.manifestUri())) {
      IntegrityException e =
          assertThrows(IntegrityException.class, () -> Releases.readAll(ds.openShard(PATH)));
      assertEquals(5L * CHUNK, e.offset());
      assertTrue(e.getMessage().contains(PATH), e.getMessage());
      assertEquals(List.of(), cacheFiles(), "nothing that could look complete");
      assertEquals(0, client.stats().cacheFills());
    }
  }

  @Test
  void concurrentColdReadersGetExactBytesFromOneFill() throws Exception {
    publish();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (DatasetClient client = client(4L * CHUNK);
        Dataset ds = client.open(release.manifestUri())) {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<byte[]>> reads = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        reads.add(
            pool.submit(
                () -> {
                  start.await();
                  return Releases.readAll(ds.openShard(PATH));
                }));
      }
      start.countDown();
      for (Future<byte[]> r : reads) {
        assertArrayEquals(content, r.get());
      }
      assertEquals(1, client.stats().cacheFills());
      assertEquals(content.length, client.stats().source("mirror").bytesServed());
      assertEquals(List.of(shard().storedSha256()), cacheFiles());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void oneThreadOpeningTheShardTwiceWhileFillingReadsTheSecondUncached() throws IOException {
    publish();
    try (DatasetClient client = client(0);
        Dataset ds = client.open(release.manifestUri());
        InputStream filling = ds.openShard(PATH)) {
      assertEquals(content[0], (byte) filling.read());
      assertArrayEquals(content, Releases.readAll(ds.openShard(PATH)), "no wait on itself");
      assertArrayEquals(Arrays.copyOfRange(content, 1, content.length), filling.readAllBytes());
      assertEquals(1, client.stats().cacheFills());
    }
  }
}
