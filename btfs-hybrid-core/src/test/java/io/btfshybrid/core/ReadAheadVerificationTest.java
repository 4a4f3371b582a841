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
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifying ahead of the reader releases nothing unverified: a corrupt chunk fetched ahead still
 * falls back per chunk, a chunk bad everywhere stops the stream exactly at its offset, and every
 * byte is hashed once.
 */
class ReadAheadVerificationTest {
  static final int CHUNK = Releases.CHUNK;
  static final String PATH = "data/ahead.bin";

  @TempDir Path tmp;
  byte[] content = Releases.random(11, CHUNK * 12 + 5);
  FileTier replica;
  FileTier cloud;
  ManifestSigner signer;
  PublishResult release;

  void publish() throws IOException {
    Releases.write(tmp.resolve("src"), PATH, content);
    replica = Releases.tier(tmp.resolve("replica"), "mirror", TierKind.REPLICA);
    cloud = Releases.tier(tmp.resolve("cloud"), "cloud", TierKind.CLOUD);
    signer = ManifestSigner.generate();
    release =
        Releases.publisher(signer, List.of(replica, cloud)).publish(tmp.resolve("src"), "d", "1");
  }

  DatasetClient client() throws IOException {
    return DatasetClient.builder()
        .tier(replica)
        .tier(cloud)
        .trust(TrustRoot.of(signer.publicKeyset()))
        .readAhead(6L * CHUNK)
        .hedging(false)
        .build();
  }

  ShardEntry shard() {
    return release.manifest().shard(PATH).orElseThrow();
  }

  @Test
  void aCorruptChunkAheadFallsBackForThatChunkOnly() throws IOException {
    publish();
    Releases.flipByte(Releases.blobFile(replica, shard()), 4L * CHUNK + 9);
    try (DatasetClient client = client();
        Dataset ds = client.open(release.manifestUri())) {
      long before = client.readPools().hasher().bytesHashed();
      assertArrayEquals(content, Releases.readAll(ds.openShard(PATH)));
      assertEquals(1, client.stats().source("mirror").integrityFailures());
      assertEquals(
          4L * CHUNK,
          client.stats().source("mirror").bytesServed(),
          "chunks 0-3 from the mirror; from chunk 4 on, the cloud's stream serves");
      assertEquals(content.length - 4L * CHUNK, client.stats().source("cloud").bytesServed());
      long hashed = client.readPools().hasher().bytesHashed() - before;
      assertTrue(
          hashed >= content.length + CHUNK && hashed <= content.length + 7L * CHUNK,
          "each byte once, plus the bad chunk, plus at most the read-ahead discarded after it: "
              + hashed);
      byte[] range = Releases.readAll(ds.openShard(PATH, CHUNK + 7, 6L * CHUNK));
      assertArrayEquals(Arrays.copyOfRange(content, CHUNK + 7, 7 * CHUNK + 7), range);
    }
  }

  @Test
  void aChunkBadEverywhereStopsTheStreamAtItsOffsetWithNothingAfterIt() throws IOException {
    publish();
    Releases.flipByte(Releases.blobFile(replica, shard()), 3L * CHUNK + 1);
    Releases.flipByte(Releases.blobFile(cloud, shard()), 3L * CHUNK + 2);
    try (DatasetClient client = client();
        Dataset ds = client.open(release.manifestUri());
        InputStream in = ds.openShard(PATH)) {
      ByteArrayOutputStream delivered = new ByteArrayOutputStream();
      byte[] buf = new byte[1000];
      IntegrityException e =
          assertThrows(
              IntegrityException.class,
              () -> {
                for (int n; (n = in.read(buf)) > 0; ) {
                  delivered.write(buf, 0, n);
                }
              });
      assertEquals(3L * CHUNK, e.offset());
      assertArrayEquals(
          Arrays.copyOf(content, 3 * CHUNK),
          delivered.toByteArray(),
          "exactly the verified chunks before the bad one");
    }
  }
}
