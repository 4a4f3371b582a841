package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.TierKind;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disk cache degrades, never fails a good read. */
class DiskCacheDegradesTest {
  static final String PATH = "a.bin";

  @TempDir Path tmp;
  byte[] content = Releases.random(11, Releases.CHUNK * 2 + 3);
  FileTier tier;
  ManifestSigner signer;
  PublishResult release;

  void publish() throws IOException {
    Releases.write(tmp.resolve("src"), PATH, content);
    tier = Releases.tier(tmp.resolve("t"), "mirror", TierKind.REPLICA);
    signer = ManifestSigner.generate();
    release = Releases.publisher(signer, List.of(tier)).publish(tmp.resolve("src"), "c", "1");
  }

  DatasetClient client(Path cacheDir) throws IOException {
    return DatasetClient.builder()
        .tier(tier)
        .trust(TrustRoot.of(signer.publicKeyset()))
        .cacheDirectory(cacheDir)
        .cacheMaxBytes(16L << 20)
        .build();
  }

  @Test
  void aCacheThatCannotWriteFallsBackToAnUncachedVerifiedRead() throws IOException {
    publish();
    Path cacheDir = tmp.resolve("cache");
    try (DatasetClient client = client(cacheDir);
        Dataset ds = client.open(release.manifestUri())) {
      Files.delete(cacheDir);
      Files.write(cacheDir, new byte[] {1}); // the cache's directory is now a file: writes fail
      assertArrayEquals(content, Releases.readAll(ds.openShard(PATH)));
      assertArrayEquals(content, Releases.readAll(ds.openShard(PATH)));
      assertEquals(2, client.stats().cacheErrors(), "each failed fill is counted");
      assertEquals(0, client.stats().cacheFills());
      assertEquals(2L * content.length, client.stats().source("mirror").bytesServed());
    }
  }

  @Test
  void aTruncatedCachedCopyIsDroppedAndFetchedAgain() throws IOException {
    publish();
    Path cacheDir = tmp.resolve("cache");
    String key = release.manifest().shard(PATH).orElseThrow().storedSha256();
    try (DatasetClient client = client(cacheDir);
        Dataset ds = client.open(release.manifestUri())) {
      assertArrayEquals(content, Releases.readAll(ds.openShard(PATH)));
      try (RandomAccessFile f = new RandomAccessFile(cacheDir.resolve(key).toFile(), "rw")) {
        f.setLength(Releases.CHUNK + 1);
      }
      assertArrayEquals(content, Releases.readAll(ds.openShard(PATH)));
      assertEquals(2, client.stats().cacheFills(), "the truncated copy was fetched again");
      assertEquals(content.length, Files.size(cacheDir.resolve(key)));
      assertArrayEquals(content, Releases.readAll(ds.openShard(PATH)));
      assertEquals(2, client.stats().cacheFills(), "and then served from the cache");
    }
  }

  @Test
  void aSecondCacheOnTheSameDirectoryDoesNotDeleteAnInFlightFill() throws Exception {
    Path dir = tmp.resolve("shared");
    DiskCache first = new DiskCache(dir, 16L << 20);
    byte[] bytes = Releases.random(12, 100_000);
    String key = Digests.sha256Hex(bytes);
    CountDownLatch halfway = new CountDownLatch(1);
    CountDownLatch resume = new CountDownLatch(1);
    DiskCache.Fetch pausing =
        () ->
            new FilterInputStream(new ByteArrayInputStream(bytes)) {
              int delivered;

              @Override
              public int read(byte[] b, int off, int len) throws IOException {
                if (delivered >= bytes.length / 2 && halfway.getCount() > 0) {
                  halfway.countDown();
                  try {
                    resume.await();
                  } catch (InterruptedException e) {
                    throw new InterruptedIOException();
                  }
                }
                int n = super.read(b, off, Math.min(len, bytes.length / 2));
                delivered += Math.max(n, 0);
                return n;
              }
            };
    ExecutorService filler = Executors.newSingleThreadExecutor();
    try {
      Future<Optional<Path>> filled = filler.submit(() -> first.fill(key, bytes.length, pausing));
      halfway.await();
      try (var partials = Files.list(dir)) {
        assertTrue(
            partials.anyMatch(p -> p.toString().endsWith(AtomicFiles.TEMP_SUFFIX)),
            "the fill is in flight");
      }
      DiskCache second = new DiskCache(dir, 16L << 20); // rebuilds its index from the directory
      resume.countDown();
      Optional<Path> result = filled.get();
      assertTrue(result.isPresent(), "the first cache's fill completed");
      assertArrayEquals(bytes, Files.readAllBytes(result.get()));
      assertEquals(0, first.errors());
      assertTrue(second.accepts(bytes.length));
    } finally {
      resume.countDown();
      filler.shutdownNow();
    }
  }
}
