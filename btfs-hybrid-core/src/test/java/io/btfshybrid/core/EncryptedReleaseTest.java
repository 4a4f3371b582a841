package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.DatasetManifest;
import io.btfshybrid.api.IntegrityException;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.TierKind;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Encrypted releases: no plaintext at rest, verified-then-decrypted reads, exact ranges. */
class EncryptedReleaseTest {
  static final String MARKER = "CONFIDENTIAL-PATIENT-RECORD-7f3a";
  static final int CHUNK = Releases.CHUNK;

  /** Plaintext bytes in the first ciphertext segment: chunk minus Tink's 40-byte header and tag. */
  static final int FIRST_SEGMENT_PLAIN = CHUNK - 40 - 16;

  static final int SEGMENT_PLAIN = CHUNK - 16;

  @TempDir Path tmp;
  Path source;
  FileTier replica;
  FileTier cloud;
  FileTier btfs;
  ManifestSigner signer;
  LocalKeyManagementService kms;
  PublishResult release;

  @BeforeEach
  void publish() throws IOException {
    source = Releases.sampleSource(tmp.resolve("src"));
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 4000; i++) {
      text.append(MARKER).append(" line ").append(i).append('\n');
    }
    Releases.write(source, "records/notes.txt", text.toString().getBytes(StandardCharsets.UTF_8));
    Releases.write(
        source,
        "records/big.bin",
        Releases.random(9, FIRST_SEGMENT_PLAIN + 4 * SEGMENT_PLAIN + 123));
    replica = Releases.tier(tmp.resolve("replica"), "mirror", TierKind.REPLICA);
    cloud = Releases.tier(tmp.resolve("cloud"), "cloud", TierKind.CLOUD);
    btfs = Releases.tier(tmp.resolve("btfs"), "btfs", TierKind.BTFS);
    signer = ManifestSigner.generate();
    kms = LocalKeyManagementService.generate(tmp.resolve("kek.json"), "kek-1");
    release = publisher(List.of(replica, cloud, btfs)).publish(source, "demo", "1.0.0");
  }

  DatasetPublisher publisher(List<FileTier> tiers) {
    return DatasetPublisher.builder()
        .tiers(tiers)
        .signer(signer)
        .chunkSize(CHUNK)
        .encryptWith(kms, "kek-1")
        .tempDirectory(tmp.resolve("staging"))
        .build();
  }

  DatasetClient client(FileTier... tiers) throws IOException {
    return DatasetClient.builder()
        .tiers(List.of(tiers))
        .trust(TrustRoot.of(signer.publicKeyset()))
        .keyManagement(kms)
        .build();
  }

  byte[] original(String path) throws IOException {
    return Files.readAllBytes(source.resolve(path));
  }

  @Test
  void noTierHoldsAnyPlaintextOfTheRelease() throws IOException {
    assertTrue(release.manifest().encryption().isPresent());
    byte[] marker = MARKER.getBytes(StandardCharsets.UTF_8);
    byte[] hello = "hello shards".getBytes(StandardCharsets.UTF_8);
    byte[] big = original("records/big.bin");
    byte[] readme = original("README");
    List<byte[]> needles =
        List.of(
            marker,
            hello,
            Arrays.copyOfRange(big, 0, 32),
            Arrays.copyOfRange(big, CHUNK * 2, CHUNK * 2 + 32),
            Arrays.copyOfRange(readme, 1000, 1032));
    List<Path> files = new ArrayList<>();
    for (FileTier t : List.of(replica, cloud, btfs)) {
      try (Stream<Path> walk = Files.walk(t.root())) {
        walk.filter(Files::isRegularFile).forEach(files::add);
      }
    }
    // blobs of 7 shards plus the manifest and the latest pointer, on each of 3 tiers
    assertEquals(3 * (7 + 2), files.size(), files.toString());
    for (Path f : files) {
      byte[] bytes = Files.readAllBytes(f);
      for (byte[] needle : needles) {
        assertFalse(Releases.contains(bytes, needle), f + " contains plaintext");
      }
    }
    assertTrue(
        Files.list(tmp.resolve("staging")).findAny().isEmpty(), "staging files were removed");
  }

  @Test
  void everyShardDecryptsToTheExactOriginal() throws IOException {
    try (DatasetClient client = client(btfs, cloud, replica);
        Dataset ds = client.open(release.manifestUri())) {
      assertTrue(ds.isEncrypted());
      assertEquals(7, ds.shards().size());
      for (ShardEntry shard : ds.shards()) {
        byte[] expected = original(shard.path());
        assertEquals(expected.length, shard.size(), shard.path());
        assertNotEquals(
            shard.sha256(), shard.storedSha256(), "stored bytes are ciphertext: " + shard.path());
        assertArrayEquals(expected, Releases.readAll(ds.openShard(shard.path())), shard.path());
      }
    }
  }

  @Test
  void ciphertextAlteredAtTheReplicaIsCaughtBeforeDecryptionAndServedFromTheNextTier()
      throws IOException {
    ShardEntry shard = release.manifest().shard("records/big.bin").orElseThrow();
    Releases.flipByte(Releases.blobFile(replica, shard), CHUNK + 100);
    try (DatasetClient client = client(cloud, replica);
        Dataset ds = client.open(release.manifestUri())) {
      assertArrayEquals(original(shard.path()), Releases.readAll(ds.openShard(shard.path())));
      assertEquals(1, client.stats().source("mirror").integrityFailures());
    }
    try (DatasetClient client = client(cloud, replica);
        Dataset ds = client.open(release.manifestUri())) {
      int from = FIRST_SEGMENT_PLAIN + 5; // inside the damaged segment (stored chunk 1)
      assertArrayEquals(
          Arrays.copyOfRange(original(shard.path()), from, from + 100),
          Releases.readAll(ds.openShard(shard.path(), from, 100)));
      assertEquals(1, client.stats().source("mirror").integrityFailures());
    }
    // with nothing to fall back to, the reader gets the verifier's IntegrityException (not a
    // decryption error) and no byte of the damaged segment
    try (DatasetClient client = client(replica);
        Dataset ds = client.open(release.manifestUri());
        InputStream in = ds.openShard(shard.path())) {
      byte[] buf = new byte[CHUNK * 4];
      long[] got = {0};
      IntegrityException e =
          assertThrows(
              IntegrityException.class,
              () -> {
                int n;
                while ((n = in.read(buf)) >= 0) {
                  got[0] += n;
                }
              });
      assertEquals(CHUNK, e.offset(), "offset of the damaged stored chunk");
      assertTrue(
          got[0] <= FIRST_SEGMENT_PLAIN,
          "only plaintext before the damaged segment, got " + got[0]);
    }
  }

  @Test
  void aShardObjectFromAnotherReleaseSwappedInIsNeverServed() throws IOException {
    PublishResult other = publisher(List.of(replica, cloud, btfs)).publish(source, "demo", "2.0.0");
    String path = "records/notes.txt";
    ShardEntry mine = release.manifest().shard(path).orElseThrow();
    ShardEntry theirs = other.manifest().shard(path).orElseThrow();
    assertNotEquals(
        mine.storedSha256(), theirs.storedSha256(), "each release has its own data key");
    Files.copy(
        Releases.blobFile(replica, theirs),
        Releases.blobFile(replica, mine),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    try (DatasetClient client = client(cloud, replica);
        Dataset ds = client.open(release.manifestUri())) {
      assertArrayEquals(original(path), Releases.readAll(ds.openShard(path)));
      assertTrue(client.stats().source("mirror").integrityFailures() >= 1);
    }
    try (DatasetClient client = client(replica);
        Dataset ds = client.open(release.manifestUri())) {
      assertThrows(IntegrityException.class, () -> Releases.readAll(ds.openShard(path)));
    }
  }

  @Test
  void ciphertextListedUnderAnotherPathDoesNotDecrypt() throws IOException {
    // even a validly signed manifest that lists one shard's ciphertext under another path
    // (matching chunk hashes) gets no plaintext: the path is the ciphertext's associated data
    DatasetManifest m = release.manifest();
    ShardEntry readme = m.shard("README").orElseThrow();
    ShardEntry notes = m.shard("records/notes.txt").orElseThrow();
    ShardEntry moved =
        new ShardEntry(
            "README",
            notes.size(),
            notes.sha256(),
            notes.storedSize(),
            notes.storedSha256(),
            notes.chunkSize(),
            notes.chunkHashes(),
            notes.locations());
    List<ShardEntry> shards = new ArrayList<>(m.shards());
    shards.set(shards.indexOf(readme), moved);
    byte[] payload = ManifestCodec.toCanonicalJson(m.toBuilder().shards(shards).build());
    Files.write(
        replica.root().resolve("manifests/demo/1.0.0.json"),
        signer.envelope(SignedEnvelope.MANIFEST_TYPE, payload).toJson());
    try (DatasetClient client = client(replica);
        Dataset ds = client.open(URI.create("btfs-hybrid://manifests/demo/1.0.0.json"))) {
      assertThrows(IOException.class, () -> Releases.readAll(ds.openShard("README")));
      assertThrows(IOException.class, () -> Releases.readAll(ds.openShard("README", 10, 20)));
    }
  }

  /** Offsets around the plaintext segment boundaries (segment i holds one stored chunk). */
  static List<Long> boundaryOffsets(long size) {
    List<Long> out = new ArrayList<>(List.of(0L, 1L, size - 1, size));
    for (long b = FIRST_SEGMENT_PLAIN; b < size; b += SEGMENT_PLAIN) {
      out.addAll(List.of(b - 1, b, b + 1));
    }
    out.addAll(List.of((long) CHUNK - 1, (long) CHUNK, (long) CHUNK + 1));
    return out.stream().filter(o -> o >= 0 && o <= size).distinct().toList();
  }

  @Test
  void everyStoredChunkIsExactlyOneCiphertextSegment() {
    // Tink AES-GCM-HKDF: a 40-byte header in the first segment and a 16-byte tag per segment,
    // segment size = chunk size, so 5 segments' worth of plaintext plus 123 bytes is stored as
    // 5 full chunks and a short sixth one
    ShardEntry big = release.manifest().shard("records/big.bin").orElseThrow();
    assertEquals(5L * CHUNK + 123 + 16, big.storedSize());
    assertEquals(6, big.chunkCount());
    assertEquals(CHUNK, release.manifest().encryption().orElseThrow().segmentSize());
    assertEquals(40 + 16, release.manifest().shard("val/empty.bin").orElseThrow().storedSize());
  }

  @Test
  void rangedReadsAreExactAtSegmentBoundaries() throws IOException {
    String path = "records/big.bin";
    byte[] expected = original(path);
    try (DatasetClient client = client(replica);
        Dataset ds = client.open(release.manifestUri())) {
      for (long off : boundaryOffsets(expected.length)) {
        for (long len : List.of(1L, 2L, 57L, (long) SEGMENT_PLAIN, CHUNK + 7L, -1L)) {
          int end = (int) (len < 0 ? expected.length : Math.min(expected.length, off + len));
          byte[] want = Arrays.copyOfRange(expected, (int) off, end);
          assertArrayEquals(
              want,
              Releases.readAll(ds.openShard(path, off, len)),
              "offset " + off + " length " + len);
        }
      }
    }
  }

  @Test
  void channelReadsAreExactAtSegmentBoundariesAndTouchOnlyTheirSegments() throws IOException {
    String path = "records/big.bin";
    byte[] expected = original(path);
    try (DatasetClient client = client(replica);
        Dataset ds = client.open(release.manifestUri());
        SeekableByteChannel ch = ds.openChannel(path)) {
      assertEquals(expected.length, ch.size());
      List<Long> offsets = new ArrayList<>(boundaryOffsets(expected.length));
      java.util.Collections.reverse(offsets); // backwards, to exercise seeking
      for (long off : offsets) {
        ByteBuffer buf = ByteBuffer.allocate(300);
        ch.position(off);
        int n = 0;
        while (buf.hasRemaining()) {
          int r = ch.read(buf);
          if (r < 0) {
            break;
          }
          n += r;
        }
        int end = (int) Math.min(expected.length, off + 300);
        assertEquals(end - off, n, "bytes at offset " + off);
        assertArrayEquals(
            Arrays.copyOfRange(expected, (int) off, end),
            Arrays.copyOf(buf.array(), n),
            "offset " + off);
      }
    }
    try (DatasetClient client = client(replica);
        Dataset ds = client.open(release.manifestUri())) {
      long offset = FIRST_SEGMENT_PLAIN + 3L * SEGMENT_PLAIN + 10; // inside stored chunk 4
      assertArrayEquals(
          Arrays.copyOfRange(expected, (int) offset, (int) offset + 10),
          Releases.readAll(ds.openShard(path, offset, 10)));
      long served = client.stats().source("mirror").bytesServed();
      assertTrue(
          served <= 2L * CHUNK,
          "a 10-byte read verified the header chunk and one segment, not " + served + " bytes");
    }
  }

  @Test
  void theDiskCacheHoldsOnlyCiphertext() throws IOException {
    Path cacheDir = tmp.resolve("cache");
    try (DatasetClient client =
            DatasetClient.builder()
                .tier(replica)
                .trust(TrustRoot.of(signer.publicKeyset()))
                .keyManagement(kms)
                .cacheDirectory(cacheDir)
                .build();
        Dataset ds = client.open(release.manifestUri())) {
      assertArrayEquals(
          original("records/notes.txt"), Releases.readAll(ds.openShard("records/notes.txt")));
      assertEquals(1, client.stats().cacheFills());
    }
    try (Stream<Path> files = Files.list(cacheDir)) {
      for (Path f : files.toList()) {
        assertFalse(
            Releases.contains(Files.readAllBytes(f), MARKER.getBytes(StandardCharsets.UTF_8)),
            f.toString());
      }
    }
  }
}
