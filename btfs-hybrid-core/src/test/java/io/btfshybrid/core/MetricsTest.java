package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.AccessDeniedException;
import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.TierKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Meters in a SimpleMeterRegistry count exactly what was read, stored, cached and refused. */
class MetricsTest {
  static final int CHUNK = Releases.CHUNK;

  @TempDir Path tmp;
  Path source;
  FileTier replica;
  FileTier cloud;
  ManifestSigner signer;
  SimpleMeterRegistry registry = new SimpleMeterRegistry();

  /** A tier that counts every byte its read streams hand out. */
  static final class CountingTier extends ForwardingTier {
    final AtomicLong delivered = new AtomicLong();

    CountingTier(FileTier delegate) {
      super(delegate);
    }

    @Override
    public InputStream read(Locator where, long offset, long length) throws IOException {
      return new FilterInputStream(super.read(where, offset, length)) {
        @Override
        public int read() throws IOException {
          int b = super.read();
          if (b >= 0) {
            delivered.incrementAndGet();
          }
          return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
          int n = super.read(buf, off, len);
          if (n > 0) {
            delivered.addAndGet(n);
          }
          return n;
        }
      };
    }
  }

  @BeforeEach
  void setUp() throws IOException {
    source = Releases.sampleSource(tmp.resolve("src"));
    replica = Releases.tier(tmp.resolve("replica"), "mirror", TierKind.REPLICA);
    cloud = Releases.tier(tmp.resolve("cloud"), "cloud", TierKind.CLOUD);
    signer = ManifestSigner.generate();
  }

  PublishResult publish() throws IOException {
    return publish("1");
  }

  PublishResult publish(String version) throws IOException {
    return DatasetPublisher.builder()
        .tiers(List.of(replica, cloud))
        .signer(signer)
        .chunkSize(CHUNK)
        .meterRegistry(registry)
        .build()
        .publish(source, "m", version);
  }

  double counter(String name, String... tags) {
    Counter c = registry.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void publishedBytesPerTierAreTheStoredBytesOfTheRelease() throws IOException {
    PublishResult release = publish();
    long stored = release.manifest().shards().stream().mapToLong(ShardEntry::storedSize).sum();
    assertEquals(stored, counter("btfs.publish.bytes", "tier", "mirror"));
    assertEquals(stored, counter("btfs.publish.bytes", "tier", "cloud"));
    Timer latency = registry.find("btfs.publish.latency").tags("tier", "cloud").timer();
    assertEquals(release.manifest().shards().size(), latency.count());

    // a second version of the same files reuses every verified copy: nothing more is stored
    publish("2");
    assertEquals(stored, counter("btfs.publish.bytes", "tier", "mirror"));
    assertEquals(stored, counter("btfs.publish.reused.bytes", "tier", "mirror"));
  }

  @Test
  void readBytesPerTierMatchWhatEachTierDeliveredAndTheCorruptChunkCountsAsAnIntegrityFailure()
      throws IOException {
    PublishResult release = publish();
    ShardEntry big = release.manifest().shard("train/000000.bin").orElseThrow();
    Releases.flipByte(Releases.blobFile(replica, big), CHUNK + 5); // chunk 1 of the replica copy
    CountingTier countedReplica = new CountingTier(replica);
    CountingTier countedCloud = new CountingTier(cloud);
    long read = 0;
    try (DatasetClient client =
            DatasetClient.builder()
                .tier(countedReplica)
                .tier(countedCloud)
                .trust(TrustRoot.of(signer.publicKeyset()))
                .meterRegistry(registry)
                .build();
        Dataset ds = client.open(release.manifestUri())) {
      countedReplica.delivered.set(0); // the manifest was read from a tier too: count shards only
      countedCloud.delivered.set(0);
      for (ShardEntry s : ds.shards()) {
        byte[] bytes = Releases.readAll(ds.openShard(s.path()));
        assertArrayEquals(Files.readAllBytes(source.resolve(s.path())), bytes, s.path());
        read += bytes.length;
      }
    }
    double mirror = counter("btfs.read.bytes", "tier", "mirror");
    double fromCloud = counter("btfs.read.bytes", "tier", "cloud");
    // only verified bytes are counted, each once: the replica's corrupt chunk is not, nor what it
    // had sent ahead (read-ahead) before the read moved on to the cloud
    assertTrue(
        mirror <= countedReplica.delivered.get() - CHUNK,
        mirror + " counted of " + countedReplica.delivered.get() + " delivered by the replica");
    assertTrue(fromCloud <= countedCloud.delivered.get(), "cloud: " + fromCloud);
    assertEquals(read, mirror + fromCloud);
    assertTrue(fromCloud >= CHUNK, "the corrupt chunk came from the cloud: " + fromCloud);
    assertEquals(1, counter("btfs.read.integrity.failures", "tier", "mirror"));
    assertEquals(1, counter("btfs.read.fallbacks", "tier", "mirror", "reason", "integrity"));
    assertEquals(0, counter("btfs.read.integrity.failures", "tier", "cloud"));
    Timer chunks = registry.find("btfs.read.chunk.latency").tags("tier", "mirror").timer();
    assertTrue(chunks.count() >= 2, "README and chunk 0 of the big shard: " + chunks.count());
    assertTrue(
        registry.find("btfs.read.first.byte").tags("tier", "mirror").timer().count() >= 1,
        "time to first byte is measured");
  }

  @Test
  void aSourceThatFailsCountsAFallbackWithItsReason() throws IOException {
    PublishResult release = publish();
    ShardEntry big = release.manifest().shard("train/000000.bin").orElseThrow();
    Files.delete(Releases.blobFile(replica, big));
    try (DatasetClient client =
            DatasetClient.builder()
                .tier(replica)
                .tier(cloud)
                .trust(TrustRoot.of(signer.publicKeyset()))
                .meterRegistry(registry)
                .build();
        Dataset ds = client.open(release.manifestUri())) {
      Releases.readAll(ds.openShard(big.path()));
    }
    assertEquals(1, counter("btfs.read.fallbacks", "tier", "mirror", "reason", "error"));
    assertEquals(0, counter("btfs.read.integrity.failures", "tier", "mirror"));
    assertEquals(big.size(), counter("btfs.read.bytes", "tier", "cloud"));
  }

  @Test
  void cacheHitsAndMissesMoveWhenTheCacheIsUsed() throws IOException {
    PublishResult release = publish();
    String path = "train/000000.bin";
    try (DatasetClient client =
            DatasetClient.builder()
                .tier(replica)
                .trust(TrustRoot.of(signer.publicKeyset()))
                .cacheDirectory(tmp.resolve("cache"))
                .meterRegistry(registry)
                .build();
        Dataset ds = client.open(release.manifestUri())) {
      FunctionCounter hits = registry.find("btfs.cache.hits").functionCounter();
      FunctionCounter misses = registry.find("btfs.cache.misses").functionCounter();
      assertEquals(0, hits.count());
      Releases.readAll(ds.openShard(path));
      assertEquals(0, hits.count());
      assertEquals(1, misses.count());
      Releases.readAll(ds.openShard(path));
      assertEquals(1, hits.count());
      assertEquals(1, misses.count());
      // the cold read is served by the tier while it fills the cache (one hash per byte); the
      // warm read is served by the cache
      assertEquals(ds.shard(path).size(), counter("btfs.read.bytes", "tier", "mirror"));
      assertEquals(ds.shard(path).size(), counter("btfs.read.bytes", "tier", "cache"));
    }
  }

  @Test
  void aRefusedPrincipalCountsAnAuthorizationFailure() throws IOException {
    PublishResult release =
        DatasetPublisher.builder()
            .tier(replica)
            .signer(signer)
            .chunkSize(CHUNK)
            .policy(AccessPolicy.builder().allowPrincipal("alice").build())
            .build()
            .publish(source, "restricted", "1");
    try (DatasetClient client =
        DatasetClient.builder()
            .tier(replica)
            .trust(TrustRoot.of(signer.publicKeyset()))
            .principal(Principal.of("bob"))
            .meterRegistry(registry)
            .build()) {
      assertThrows(AccessDeniedException.class, () -> client.open(release.manifestUri()));
    }
    assertEquals(1, counter("btfs.authorization.failures", "reason", "policy"));
    assertNull(registry.find("btfs.read.bytes").counter(), "nothing was read");
  }

  @Test
  void theCopiesGaugeShowsWhatTheLastScrubReported() throws IOException {
    PublishResult release = publish();
    Meters meters = Meters.of(registry);
    meters.copies(release.manifest(), 3);
    meters.copies(release.manifest(), 2);
    assertEquals(
        2,
        registry.find("btfs.release.copies").tags("dataset", "m", "version", "1").gauge().value());
  }
}
