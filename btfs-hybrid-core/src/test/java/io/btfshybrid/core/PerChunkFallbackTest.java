package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.IntegrityException;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.TierKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shard whose replica has one chunk corrupt and whose cloud copy has another chunk corrupt is
 * still read exactly: fallback is decided per chunk, not per source.
 */
class PerChunkFallbackTest {
  static final int CHUNK = Releases.CHUNK;
  static final String PATH = "data/big.bin";

  @TempDir Path tmp;
  FileTier replica;
  FileTier cloud;
  ManifestSigner signer;
  LocalKeyManagementService kms;
  byte[] content = Releases.random(42, CHUNK * 10 + 77);

  PublishResult publish(boolean encrypted) throws IOException {
    Path src = tmp.resolve("src");
    Releases.write(src, PATH, content);
    replica = Releases.tier(tmp.resolve("replica"), "mirror", TierKind.REPLICA);
    cloud = Releases.tier(tmp.resolve("cloud"), "cloud", TierKind.CLOUD);
    signer = ManifestSigner.generate();
    DatasetPublisher.Builder b =
        DatasetPublisher.builder().tiers(List.of(replica, cloud)).signer(signer).chunkSize(CHUNK);
    if (encrypted) {
      kms = LocalKeyManagementService.generate(tmp.resolve("kek.json"), "kek-1");
      b.encryptWith(kms, "kek-1").tempDirectory(tmp.resolve("staging"));
    }
    return b.build().publish(src, "d", "1");
  }

  /** Replica: chunk 3 corrupt; cloud: chunk 6 corrupt. Every chunk is good somewhere. */
  void corruptDifferentChunks(PublishResult release, int replicaChunk, int cloudChunk)
      throws IOException {
    ShardEntry shard = release.manifest().shard(PATH).orElseThrow();
    Releases.flipByte(Releases.blobFile(replica, shard), (long) replicaChunk * CHUNK + 11);
    Releases.flipByte(Releases.blobFile(cloud, shard), (long) cloudChunk * CHUNK + 29);
  }

  DatasetClient.Builder client() {
    DatasetClient.Builder b =
        DatasetClient.builder()
            .tier(cloud)
            .tier(replica)
            .trust(TrustRoot.of(signer.publicKeyset()));
    return kms == null ? b : b.keyManagement(kms);
  }

  static byte[] readChannel(SeekableByteChannel ch, long size) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer buf = ByteBuffer.allocate(5000);
    try (ch) {
      while (ch.read(buf) > 0 || buf.position() > 0) {
        out.write(buf.array(), 0, buf.position());
        buf.clear();
      }
    }
    assertEquals(size, out.size());
    return out.toByteArray();
  }

  @Test
  void streamAndChannelReadsTakeEachChunkFromWhereverItIsGood() throws IOException {
    PublishResult release = publish(false);
    corruptDifferentChunks(release, 3, 6);
    try (DatasetClient client = client().build();
        Dataset ds = client.open(release.manifestUri())) {
      assertArrayEquals(content, Releases.readAll(ds.openShard(PATH)));
      assertArrayEquals(
          Arrays.copyOfRange(content, 5, content.length - 3),
          Releases.readAll(ds.openShard(PATH, 5, content.length - 8)));
      assertArrayEquals(content, readChannel(ds.openChannel(PATH), content.length));
      assertEquals(3, client.stats().source("mirror").integrityFailures());
      assertEquals(3, client.stats().source("cloud").integrityFailures());
    }
  }

  @Test
  void encryptedStreamAndChannelReadsTakeEachChunkFromWhereverItIsGood() throws IOException {
    PublishResult release = publish(true);
    corruptDifferentChunks(release, 3, 6);
    try (DatasetClient client = client().build();
        Dataset ds = client.open(release.manifestUri())) {
      assertArrayEquals(content, Releases.readAll(ds.openShard(PATH)));
      assertArrayEquals(
          Arrays.copyOfRange(content, 5, content.length - 3),
          Releases.readAll(ds.openShard(PATH, 5, content.length - 8)));
      assertArrayEquals(content, readChannel(ds.openChannel(PATH), content.length));
    }
  }

  @Test
  void cachedReadsFillFromEveryTierAndServeExactBytes() throws IOException {
    PublishResult release = publish(false);
    corruptDifferentChunks(release, 3, 6);
    try (DatasetClient client =
            client().cacheDirectory(tmp.resolve("cache")).cacheMaxBytes(64L << 20).build();
        Dataset ds = client.open(release.manifestUri())) {
      assertArrayEquals(content, Releases.readAll(ds.openShard(PATH)));
      assertEquals(1, client.stats().cacheFills());
      assertArrayEquals(content, Releases.readAll(ds.openShard(PATH)));
      assertEquals(
          content.length,
          client.stats().source("cache").bytesServed(),
          "the cold read served the reader while filling the cache (one hash per byte); the"
              + " second read came from the verified cached copy");
    }
  }

  @Test
  void aChunkBadEverywhereFailsNamingShardChunkAndEachTiersCause() throws IOException {
    PublishResult release = publish(false);
    corruptDifferentChunks(release, 4, 4);
    try (DatasetClient client = client().build();
        Dataset ds = client.open(release.manifestUri())) {
      IntegrityException e =
          assertThrows(IntegrityException.class, () -> Releases.readAll(ds.openShard(PATH)));
      assertEquals(PATH, e.shard());
      assertEquals(4L * CHUNK, e.offset());
      assertTrue(e.getMessage().contains("chunk 4"), e.getMessage());
      assertEquals(
          List.of("cloud", "mirror"),
          Arrays.stream(e.getSuppressed())
              .map(s -> ((IntegrityException) s).tierId())
              .sorted()
              .toList());
    }
  }
}
