package io.btfshybrid.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.IntegrityException;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.ShardUnavailableException;
import io.btfshybrid.api.TierKind;
import io.btfshybrid.core.Dataset;
import io.btfshybrid.core.DatasetClient;
import io.btfshybrid.core.ManifestResolver;
import io.btfshybrid.core.PlannedSource;
import io.btfshybrid.core.PublishResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each fault, injected under a real DatasetClient: exact bytes or a typed exception, never wrong
 * bytes.
 */
class FaultsTest {
  static final int CHUNK = 64 * 1024;

  /** 3 shards of 250,000 bytes: three full chunks and a short one each. */
  static final long TOTAL = 750_000;

  @RegisterExtension final HybridStorageExtension storage = new HybridStorageExtension();

  FaultInjectingTier mirror;
  FaultInjectingTier cloud;
  TestDatasets.SourceTree source;
  PublishResult release;
  ShardEntry shard;
  String key;
  byte[] original;

  @BeforeEach
  void publish() throws IOException {
    mirror = FaultInjectingTier.wrap(storage.memoryTier("mirror", TierKind.REPLICA));
    cloud = FaultInjectingTier.wrap(storage.fileTier("cloud", TierKind.CLOUD));
    source = storage.source(3, TOTAL, 42);
    release =
        storage
            .publisher(mirror, cloud)
            .chunkSize(CHUNK)
            .build()
            .publish(source.root(), "faults", "1.0.0");
    shard = release.manifest().shards().get(0);
    key = ManifestResolver.blobKey(shard);
    original = source.bytes(shard.path());
    mirror.resetCounters();
    cloud.resetCounters();
  }

  DatasetClient client() throws IOException {
    return storage.client(cloud, mirror).build();
  }

  @Test
  void aCorruptByteIsServedFromTheNextTierAndCountedAsIntegrityFailure() throws IOException {
    mirror.corruptByteAt(key, CHUNK + 5);
    try (DatasetClient client = client();
        Dataset ds = client.open(release.manifestUri())) {
      assertArrayEquals(original, readAll(ds.openShard(shard.path())));
      assertEquals(1, client.stats().source("mirror").integrityFailures());
      assertEquals(
          CHUNK,
          client.stats().source("mirror").bytesServed(),
          "only chunk 0 was good on the mirror");
      assertEquals(
          original.length - CHUNK, cloud.bytesServed(key), "the cloud served chunk 1 onwards");
    }
  }

  @Test
  void aTruncatedCopyFallsBackWithoutReleasingTheShortChunk() throws IOException {
    mirror.truncateAfter(key, 2L * CHUNK + 10);
    assertEquals(
        2L * CHUNK + 10, mirror.stat(mirror.locate(key).orElseThrow()).orElseThrow().size());
    try (DatasetClient client = client();
        Dataset ds = client.open(release.manifestUri())) {
      assertArrayEquals(original, readAll(ds.openShard(shard.path())));
      assertEquals(1, client.stats().source("mirror").errors());
      assertEquals(2L * CHUNK, client.stats().source("mirror").bytesServed());
      assertEquals(2L * CHUNK + 10, mirror.bytesServed(key));
    }
  }

  @Test
  void aVanishedCopyIsSkipped() throws IOException {
    mirror.vanish(key);
    assertTrue(mirror.stat(mirror.locate(key).orElseThrow()).isEmpty());
    try (DatasetClient client = client();
        Dataset ds = client.open(release.manifestUri())) {
      assertArrayEquals(original, readAll(ds.openShard(shard.path())));
      assertEquals(1, mirror.reads(key));
      assertEquals(0, mirror.bytesServed(key));
      assertEquals(original.length, client.stats().source("cloud").bytesServed());
    }
  }

  @Test
  void aFailureAfterNBytesResumesAtTheLastVerifiedChunkOnTheNextTier() throws IOException {
    long failAt = 2L * CHUNK + 100;
    mirror.failAfter(key, failAt);
    try (DatasetClient client = client();
        Dataset ds = client.open(release.manifestUri())) {
      assertArrayEquals(original, readAll(ds.openShard(shard.path())));
      assertEquals(failAt, mirror.bytesServed(key), "the mirror got 100 bytes into chunk 2");
      assertEquals(
          2L * CHUNK,
          client.stats().source("mirror").bytesServed(),
          "chunks 0 and 1 verified there");
      List<FaultInjectingTier.Request> resumed = cloud.requests(key);
      assertEquals(
          2L * CHUNK, resumed.get(0).offset(), "the cloud was asked from the last verified offset");
      assertTrue(resumed.stream().allMatch(r -> r.offset() >= 2L * CHUNK), resumed.toString());
      assertEquals(
          original.length - 2L * CHUNK,
          cloud.bytesServed(key),
          "the cloud served only chunks 2 and 3");
      assertEquals(1, client.stats().source("mirror").errors());
    }
  }

  @Test
  void overLongResponsesAreCutAtTheRequestedEndAndCounted() throws IOException {
    mirror.extraBytes(key, 1000);
    try (DatasetClient client = client();
        Dataset ds = client.open(release.manifestUri())) {
      assertArrayEquals(original, readAll(ds.openShard(shard.path())));
      assertEquals(1, client.stats().source("mirror").errors(), "the extra bytes were noticed");
      assertEquals(0, client.stats().integrityFailures());
      assertEquals(0, cloud.reads(key));
      byte[] range = readAll(ds.openShard(shard.path(), CHUNK - 3, 10));
      assertArrayEquals(Arrays.copyOfRange(original, CHUNK - 3, CHUNK + 7), range);
      try (SeekableByteChannel ch = ds.openChannel(shard.path())) {
        ByteBuffer tail = ByteBuffer.allocate(64);
        ch.position(original.length - 64);
        while (tail.hasRemaining() && ch.read(tail) > 0) {}
        assertArrayEquals(
            Arrays.copyOfRange(original, original.length - 64, original.length), tail.array());
        assertEquals(
            -1, ch.read(ByteBuffer.allocate(1)), "nothing past the end, whatever the tier sent");
      }
    }
  }

  @Test
  void failingReadsOnOneTierAreServedByTheOther() throws IOException {
    mirror.failReads();
    try (DatasetClient client = client();
        Dataset ds = client.open(release.manifestUri())) {
      for (String path : source.shards()) {
        assertArrayEquals(source.bytes(path), readAll(ds.openShard(path)), path);
      }
      assertEquals(0, mirror.bytesServed());
      assertEquals(TOTAL, cloud.bytesServed() - cloud.bytesServed("manifests/faults/1.0.0.json"));
    }
  }

  @Test
  void everyCopyCorruptIsIntegrityExceptionAfterExactlyTheGoodPrefix() throws IOException {
    long damaged = 2L * CHUNK + 7;
    mirror.corruptByteAt(key, damaged);
    cloud.corruptByteAt(key, damaged);
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    try (DatasetClient client = client();
        Dataset ds = client.open(release.manifestUri());
        InputStream in = ds.openShard(shard.path())) {
      IntegrityException e = assertThrows(IntegrityException.class, () -> copy(in, received));
      assertEquals(2L * CHUNK, e.offset());
      assertEquals(2, e.getSuppressed().length, "one failure per tier");
    }
    assertArrayEquals(Arrays.copyOf(original, 2 * CHUNK), received.toByteArray());
  }

  @Test
  void everyTierFailingOrMissingIsShardUnavailable() throws IOException {
    mirror.failReads(key);
    cloud.vanish(key);
    try (DatasetClient client = client();
        Dataset ds = client.open(release.manifestUri())) {
      ShardUnavailableException e =
          assertThrows(ShardUnavailableException.class, () -> readAll(ds.openShard(shard.path())));
      assertEquals(shard.path(), e.shard());
      assertEquals(2, e.getSuppressed().length);
      // other shards are untouched by per-object faults, and healing brings the shard back
      String other = source.shards().get(1);
      assertArrayEquals(source.bytes(other), readAll(ds.openShard(other)));
      mirror.heal();
      cloud.heal(key);
      assertArrayEquals(original, readAll(ds.openShard(shard.path())));
    }
  }

  @Test
  void aSlowTierBehindAFastOneIsNeverWaitedFor() throws IOException {
    cloud.delay(Duration.ofSeconds(30));
    try (DatasetClient client = client();
        Dataset ds = client.open(release.manifestUri())) {
      for (String path : source.shards()) {
        assertArrayEquals(source.bytes(path), readAll(ds.openShard(path)), path);
      }
      assertEquals(0, cloud.reads(), "the mirror answered everything");
    }
  }

  @Test
  void aSlowReplicaMovesBehindAFastReplicaOfTheSameKind() throws IOException {
    FaultInjectingTier slow = FaultInjectingTier.wrap(storage.memoryTier("slow", TierKind.REPLICA));
    FaultInjectingTier fast = FaultInjectingTier.wrap(storage.memoryTier("fast", TierKind.REPLICA));
    PublishResult r =
        storage
            .publisher(slow, fast)
            .chunkSize(CHUNK)
            .build()
            .publish(source.root(), "speed", "1.0.0");
    slow.delay(Duration.ofMillis(50)).dribble(4096, Duration.ofMillis(1));
    try (DatasetClient client = storage.client(slow, fast).build();
        Dataset ds = client.open(r.manifestUri())) {
      List<String> paths = source.shards();
      assertEquals(
          "slow",
          ds.plan(paths.get(0)).get(0).tierId(),
          "configuration order while nothing is measured");
      assertArrayEquals(
          source.bytes(paths.get(0)),
          readAll(ds.openShard(paths.get(0))),
          "a dribbling tier still gives exact bytes");
      assertTrue(client.stats().source("slow").latencyMillis() > 0);
      assertEquals("fast", ds.plan(paths.get(1)).get(0).tierId());
      long slowReads = slow.reads();
      assertArrayEquals(source.bytes(paths.get(1)), readAll(ds.openShard(paths.get(1))));
      assertEquals(slowReads, slow.reads(), "the second shard came from the fast replica");
    }
  }

  @Test
  void eightThreadsReadingOneShardThroughACacheFetchItOnce() throws Exception {
    mirror.delay(Duration.ofMillis(100)); // keep the fill in flight while the others arrive
    ExecutorService pool = Executors.newFixedThreadPool(8);
    // hedging off: a 100 ms mirror would otherwise be hedged to the cloud; this is about the fill
    try (DatasetClient client =
            storage
                .client(mirror, cloud)
                .cacheDirectory(storage.cacheDirectory())
                .hedging(false)
                .build();
        Dataset ds = client.open(release.manifestUri())) {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<byte[]>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        Callable<byte[]> read =
            () -> {
              start.await();
              return readAll(ds.openShard(shard.path()));
            };
        results.add(pool.submit(read));
      }
      start.countDown();
      for (Future<byte[]> f : results) {
        assertArrayEquals(original, f.get());
      }
      assertEquals(1, mirror.reads(key), "one fetch from the tiers");
      assertEquals(original.length, mirror.bytesServed(key));
      assertEquals(0, cloud.reads(key));
      assertEquals(1, client.stats().cacheFills());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aTierThatFailedIsDemotedAndNotAskedAgainWhileHealthyTiersServe() throws IOException {
    Clock frozen = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    List<String> paths = source.shards();
    mirror.failReads(key);
    try (DatasetClient client = storage.client(cloud, mirror).clock(frozen).build();
        Dataset ds = client.open(release.manifestUri())) {
      assertEquals(
          List.of("mirror", "cloud"), tierIds(ds.plan(paths.get(1))), "replica first by kind");
      assertArrayEquals(original, readAll(ds.openShard(shard.path())));
      assertEquals(1, client.stats().source("mirror").errors());
      assertEquals(
          List.of("cloud", "mirror"), tierIds(ds.plan(paths.get(1))), "demoted below the cloud");
      long asked = mirror.reads();
      for (String path : paths.subList(1, 3)) {
        assertArrayEquals(source.bytes(path), readAll(ds.openShard(path)), path);
      }
      assertEquals(asked, mirror.reads(), "no later read asked the failing mirror");
      mirror.heal();
      assertEquals(
          List.of("cloud", "mirror"),
          tierIds(ds.plan(paths.get(1))),
          "healing the tier does not erase its record");
    }
    try (DatasetClient fresh = storage.client(cloud, mirror).clock(frozen).build();
        Dataset ds = fresh.open(release.manifestUri())) {
      assertEquals(
          List.of("mirror", "cloud"),
          tierIds(ds.plan(paths.get(0))),
          "a new client starts by kind again");
    }
  }

  static List<String> tierIds(List<PlannedSource> plan) {
    return plan.stream().map(PlannedSource::tierId).toList();
  }

  static void copy(InputStream in, ByteArrayOutputStream out) throws IOException {
    byte[] buf = new byte[7919];
    int n;
    while ((n = in.read(buf)) != -1) {
      out.write(buf, 0, n);
    }
  }

  static byte[] readAll(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }
}
