package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.IntegrityException;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.ShardUnavailableException;
import io.btfshybrid.api.TierKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PublishAndReadTest {
  @TempDir Path tmp;
  Path source;
  FileTier replica;
  FileTier cloud;
  FileTier btfs;
  ManifestSigner signer;
  PublishResult release;

  @BeforeEach
  void publish() throws IOException {
    source = Releases.sampleSource(tmp.resolve("src"));
    replica = Releases.tier(tmp.resolve("replica"), "mirror", TierKind.REPLICA);
    cloud = Releases.tier(tmp.resolve("cloud"), "cloud", TierKind.CLOUD);
    btfs = Releases.tier(tmp.resolve("btfs"), "btfs", TierKind.BTFS);
    signer = ManifestSigner.generate();
    release =
        Releases.publisher(signer, List.of(replica, cloud, btfs)).publish(source, "demo", "1.0.0");
  }

  DatasetClient client() throws IOException {
    return DatasetClient.builder()
        .tier(btfs)
        .tier(cloud)
        .tier(replica)
        .trust(TrustRoot.of(signer.publicKeyset()))
        .build();
  }

  byte[] original(String path) throws IOException {
    return Files.readAllBytes(source.resolve(path));
  }

  @Test
  void roundTripIsByteIdenticalForEveryShard() throws IOException {
    try (DatasetClient client = client();
        Dataset ds = client.open(release.manifestUri())) {
      assertEquals(5, ds.shards().size());
      for (ShardEntry shard : ds.shards()) {
        assertArrayEquals(
            original(shard.path()), Releases.readAll(ds.openShard(shard.path())), shard.path());
      }
      // the plan put the replica first although it was configured last
      assertEquals("mirror", ds.plan("README").get(0).tierId());
      assertEquals(
          original("train/000000.bin").length,
          client.stats().source("mirror").bytesServed()
              - original("README").length
              - original("train/nested/deeper/000001.bin").length
              - original("val/small.txt").length);
      assertEquals(0, client.stats().source("cloud").bytesServed());
    }
  }

  @Test
  void oneCorruptByteInTheReplicaIsServedFromTheNextTierAndCounted() throws IOException {
    ShardEntry shard = release.manifest().shard("train/000000.bin").orElseThrow();
    flipByte(Releases.blobFile(replica, shard), Releases.CHUNK + 5);
    try (DatasetClient client = client();
        Dataset ds = client.open(release.manifestUri())) {
      assertArrayEquals(original(shard.path()), Releases.readAll(ds.openShard(shard.path())));
      assertEquals(1, client.stats().source("mirror").integrityFailures());
      assertEquals(
          Releases.CHUNK,
          client.stats().source("mirror").bytesServed(),
          "only chunk 0 came from the replica");
      assertEquals(shard.size() - Releases.CHUNK, client.stats().source("cloud").bytesServed());
    }
  }

  @Test
  void everyCopyCorruptGivesIntegrityExceptionAndNoByteAtOrPastTheDamage() throws IOException {
    ShardEntry shard = release.manifest().shard("train/000000.bin").orElseThrow();
    long damaged = 2L * Releases.CHUNK + 100;
    for (FileTier t : List.of(replica, cloud, btfs)) {
      flipByte(Releases.blobFile(t, shard), damaged);
    }
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    try (DatasetClient client = client();
        Dataset ds = client.open(release.manifestUri());
        InputStream in = ds.openShard(shard.path())) {
      IntegrityException e =
          assertThrows(
              IntegrityException.class,
              () -> {
                int b;
                while ((b = in.read()) != -1) {
                  received.write(b);
                }
              });
      assertEquals(2L * Releases.CHUNK, e.offset());
      assertEquals(3, e.getSuppressed().length, "one failure per source attached");
      assertEquals(3, client.stats().integrityFailures());
    }
    assertEquals(2 * Releases.CHUNK, received.size(), "bytes up to the damaged chunk only");
    byte[] expected = java.util.Arrays.copyOf(original(shard.path()), 2 * Releases.CHUNK);
    assertArrayEquals(expected, received.toByteArray());
  }

  @Test
  void truncatedAndVanishedCopiesStillGiveExactBytes() throws IOException {
    ShardEntry big = release.manifest().shard("train/000000.bin").orElseThrow();
    ShardEntry other = release.manifest().shard("train/nested/deeper/000001.bin").orElseThrow();
    try (RandomAccessFile f =
        new RandomAccessFile(Releases.blobFile(replica, big).toFile(), "rw")) {
      f.setLength(Releases.CHUNK + 10);
    }
    Files.delete(Releases.blobFile(replica, other));
    Files.delete(Releases.blobFile(cloud, other));
    java.time.Clock frozen =
        java.time.Clock.fixed(
            java.time.Instant.parse("2026-01-01T00:00:00Z"), java.time.ZoneOffset.UTC);
    try (DatasetClient client =
            DatasetClient.builder()
                .tier(btfs)
                .tier(cloud)
                .tier(replica)
                .clock(frozen)
                .trust(TrustRoot.of(signer.publicKeyset()))
                .build();
        Dataset ds = client.open(release.manifestUri())) {
      assertEquals("mirror", ds.plan(other.path()).get(0).tierId());
      assertArrayEquals(original(big.path()), Releases.readAll(ds.openShard(big.path())));
      assertEquals(1, client.stats().source("mirror").errors(), "the truncated copy");
      // the replica's failure demoted it: the next read tries the cloud first
      assertEquals(
          List.of("cloud", "btfs", "mirror"),
          ds.plan(other.path()).stream().map(PlannedSource::tierId).toList());
      assertArrayEquals(original(other.path()), Releases.readAll(ds.openShard(other.path())));
      assertEquals(1, client.stats().source("cloud").errors(), "the vanished copy");
      assertEquals(2 * Releases.CHUNK, client.stats().source("btfs").bytesServed());
    }
  }

  @Test
  void everyCopyMissingIsShardUnavailableWithEachSourcesFailure() throws IOException {
    ShardEntry shard = release.manifest().shard("README").orElseThrow();
    for (FileTier t : List.of(replica, cloud, btfs)) {
      Files.delete(Releases.blobFile(t, shard));
    }
    try (DatasetClient client = client();
        Dataset ds = client.open(release.manifestUri())) {
      ShardUnavailableException e =
          assertThrows(
              ShardUnavailableException.class, () -> Releases.readAll(ds.openShard("README")));
      assertEquals(3, e.getSuppressed().length);
      assertTrue(e.getMessage().contains("README"), e.getMessage());
    }
  }

  @Test
  void rangedReadsAndChannelsTouchOnlyTheirChunks() throws IOException {
    ShardEntry shard = release.manifest().shard("train/000000.bin").orElseThrow();
    byte[] all = original(shard.path());
    // damage chunk 0 everywhere: reads that do not touch it must still work
    for (FileTier t : List.of(replica, cloud, btfs)) {
      flipByte(Releases.blobFile(t, shard), 3);
    }
    try (DatasetClient client = client();
        Dataset ds = client.open(release.manifestUri())) {
      long from = Releases.CHUNK + 7;
      byte[] range = Releases.readAll(ds.openShard(shard.path(), from, 2L * Releases.CHUNK));
      assertArrayEquals(
          java.util.Arrays.copyOfRange(all, (int) from, (int) from + 2 * Releases.CHUNK), range);
      byte[] tail = Releases.readAll(ds.openShard(shard.path(), all.length - 5, -1));
      assertArrayEquals(java.util.Arrays.copyOfRange(all, all.length - 5, all.length), tail);
      assertEquals(0, client.stats().integrityFailures());

      try (SeekableByteChannel ch = ds.openChannel(shard.path())) {
        assertEquals(all.length, ch.size());
        ByteBuffer buf = ByteBuffer.allocate(100);
        ch.position(3L * Releases.CHUNK - 50);
        while (buf.hasRemaining() && ch.read(buf) > 0) {}
        assertArrayEquals(
            java.util.Arrays.copyOfRange(all, 3 * Releases.CHUNK - 50, 3 * Releases.CHUNK + 50),
            buf.array());
        ch.position(all.length);
        assertEquals(-1, ch.read(ByteBuffer.allocate(1)));
        ch.position(10);
        assertThrows(IntegrityException.class, () -> ch.read(ByteBuffer.allocate(1)));
      }
    }
  }

  @Test
  void republishingTheSameBytesIsANoOpAndDifferentBytesAreRefused() throws IOException {
    PublishResult again =
        Releases.publisher(signer, List.of(replica, cloud, btfs)).publish(source, "demo", "1.0.0");
    assertTrue(again.alreadyPublished());
    assertEquals(release.manifestHash(), again.manifestHash());
    assertEquals(0, again.bytesUploaded());

    Files.write(source.resolve("val/small.txt"), "changed".getBytes());
    assertThrows(
        ReleaseConflictException.class,
        () ->
            Releases.publisher(signer, List.of(replica, cloud, btfs))
                .publish(source, "demo", "1.0.0"));
  }

  @Test
  void unchangedShardsAreSharedBetweenVersions() throws IOException {
    Files.write(source.resolve("val/small.txt"), "a new label file".getBytes());
    PublishResult v2 =
        Releases.publisher(signer, List.of(replica, cloud, btfs)).publish(source, "demo", "2.0.0");
    assertFalse(v2.alreadyPublished());
    assertEquals(3, v2.objectsUploaded(), "only the changed file is uploaded, once per tier");
    assertEquals(4 * 3, v2.objectsReused());
  }

  @Test
  void theReleaseOpensWhenTheFirstTierLostItsManifest() throws IOException {
    Files.delete(replica.root().resolve("manifests/demo/1.0.0.json"));
    try (DatasetClient client = client();
        Dataset ds = client.open(release.manifestUri())) {
      assertEquals(release.manifestHash(), ds.manifestHash());
    }
  }

  static void flipByte(Path file, long offset) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(offset);
      int b = f.read();
      f.seek(offset);
      f.write(b ^ 0x5A);
    }
  }

  static boolean differs(Path file, byte[] expected) throws IOException {
    return !java.util.Arrays.equals(Files.readAllBytes(file), expected);
  }
}
