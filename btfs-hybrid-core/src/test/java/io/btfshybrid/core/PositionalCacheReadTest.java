package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.TierKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A warm cache entry is read by position into private buffers, hashed ahead and by the reader: a
 * copy truncated or corrupted underneath a running read falls back to the tier for the chunks it
 * cannot supply (the damaged copy is dropped), and a chunk already verified keeps its bytes even
 * when the file changes under it. Every byte delivered is the published byte.
 */
class PositionalCacheReadTest {
  static final int CHUNK = Releases.CHUNK;
  static final String PATH = "data/warm.bin";

  @TempDir Path tmp;
  byte[] content = Releases.random(13, CHUNK * 40 + 77);
  FileTier replica;
  ManifestSigner signer;
  PublishResult release;

  DatasetClient warmClient() throws IOException {
    Releases.write(tmp.resolve("src"), PATH, content);
    replica = Releases.tier(tmp.resolve("replica"), "mirror", TierKind.REPLICA);
    signer = ManifestSigner.generate();
    release = Releases.publisher(signer, List.of(replica)).publish(tmp.resolve("src"), "d", "1");
    DatasetClient client =
        DatasetClient.builder()
            .tier(replica)
            .trust(TrustRoot.of(signer.publicKeyset()))
            .cacheDirectory(tmp.resolve("cache"))
            .cacheMaxBytes(64L << 20)
            .readAhead(4L * CHUNK)
            .build();
    try (Dataset ds = client.open(release.manifestUri())) {
      assertArrayEquals(content, Releases.readAll(ds.openShard(PATH))); // fills the cache
    }
    assertTrue(Files.isRegularFile(cacheFile()), "the cold read filled the entry");
    return client;
  }

  Path cacheFile() {
    ShardEntry shard = release.manifest().shard(PATH).orElseThrow();
    return tmp.resolve("cache").resolve(shard.storedSha256());
  }

  /** Reads {@code in} to its end into {@code out}, after what it already holds. */
  static byte[] rest(InputStream in, ByteArrayOutputStream out) throws IOException {
    in.transferTo(out);
    return out.toByteArray();
  }

  @Test
  void anEntryTruncatedUnderARunningReadFallsBackToTheTierForWhatIsMissing() throws IOException {
    try (DatasetClient client = warmClient();
        Dataset ds = client.open(release.manifestUri());
        InputStream in = ds.openShard(PATH)) {
      long fillBytes = client.stats().source("mirror").bytesServed(); // the cold read's
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(in.readNBytes(100)); // chunk 0 served from the cache; at most 4 chunks read ahead
      try (FileChannel ch = FileChannel.open(cacheFile(), StandardOpenOption.WRITE)) {
        ch.truncate(20L * CHUNK + 5);
      }
      assertArrayEquals(content, rest(in, out));
      assertTrue(
          client.stats().source(HealthTracker.CACHE_ID).errors() >= 1,
          "the truncated copy failed chunk 20: " + client.stats());
      assertEquals(
          content.length - 20L * CHUNK,
          client.stats().source("mirror").bytesServed() - fillBytes,
          "the tier served exactly from chunk 20 on");
    }
  }

  @Test
  void anEntryCorruptedUnderARunningReadIsDroppedAndTheTierServesThatChunk() throws IOException {
    try (DatasetClient client = warmClient();
        Dataset ds = client.open(release.manifestUri());
        InputStream in = ds.openShard(PATH)) {
      long fillBytes = client.stats().source("mirror").bytesServed();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(in.readNBytes(100));
      Releases.flipByte(cacheFile(), 25L * CHUNK + 3);
      assertArrayEquals(content, rest(in, out));
      assertEquals(1, client.stats().source(HealthTracker.CACHE_ID).integrityFailures());
      assertFalse(Files.exists(cacheFile()), "the damaged copy is dropped");
      assertEquals(
          content.length - 25L * CHUNK, client.stats().source("mirror").bytesServed() - fillBytes);
    }
  }

  @Test
  void aChunkAlreadyVerifiedKeepsItsBytesWhenTheFileChangesUnderIt() throws IOException {
    try (DatasetClient client = warmClient();
        Dataset ds = client.open(release.manifestUri());
        InputStream in = ds.openShard(PATH)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(in.readNBytes(10)); // chunk 0 is verified and being consumed
      Releases.flipByte(cacheFile(), 500);
      out.write(in.readNBytes(CHUNK - 10));
      assertArrayEquals(Arrays.copyOf(content, CHUNK), out.toByteArray());
      assertEquals(0, client.stats().source(HealthTracker.CACHE_ID).integrityFailures());
    }
  }

  @Test
  void randomAccessToACorruptedEntryFallsBackPerChunk() throws IOException {
    try (DatasetClient client = warmClient();
        Dataset ds = client.open(release.manifestUri())) {
      Releases.flipByte(cacheFile(), 7L * CHUNK + 1);
      try (SeekableByteChannel ch = ds.openChannel(PATH)) {
        ByteBuffer buf = ByteBuffer.allocate(3 * CHUNK);
        ch.position(6L * CHUNK + 9);
        while (buf.hasRemaining() && ch.read(buf) > 0) {
          // reads chunks 6 to 9
        }
        assertArrayEquals(Arrays.copyOfRange(content, 6 * CHUNK + 9, 9 * CHUNK + 9), buf.array());
      }
      assertEquals(1, client.stats().source(HealthTracker.CACHE_ID).integrityFailures());
    }
  }
}
