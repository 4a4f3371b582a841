package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.btfshybrid.api.TierKind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A length past the end of a shard means "to the end", however large, for streams and channels. */
class RangeLengthTest {
  @TempDir Path tmp;

  @Test
  void longMaxValueLengthReadsToTheEndOfPlainAndEncryptedShards() throws IOException {
    byte[] content = Releases.random(5, Releases.CHUNK * 3 + 9);
    Path src = tmp.resolve("src");
    Releases.write(src, "a.bin", content);
    FileTier tier = Releases.tier(tmp.resolve("t"), "mirror", TierKind.REPLICA);
    ManifestSigner signer = ManifestSigner.generate();
    LocalKeyManagementService kms =
        LocalKeyManagementService.generate(tmp.resolve("kek.json"), "kek-1");
    PublishResult plain = Releases.publisher(signer, List.of(tier)).publish(src, "p", "1");
    PublishResult sealed =
        DatasetPublisher.builder()
            .tiers(List.of(tier))
            .signer(signer)
            .chunkSize(Releases.CHUNK)
            .encryptWith(kms, "kek-1")
            .tempDirectory(tmp.resolve("staging"))
            .build()
            .publish(src, "e", "1");
    try (DatasetClient client =
        DatasetClient.builder()
            .tier(tier)
            .trust(TrustRoot.of(signer.publicKeyset()))
            .keyManagement(kms)
            .build()) {
      for (PublishResult release : List.of(plain, sealed)) {
        try (Dataset ds = client.open(release.manifestUri())) {
          for (long offset : new long[] {0, 7, Releases.CHUNK + 1, content.length}) {
            assertArrayEquals(
                Arrays.copyOfRange(content, (int) offset, content.length),
                Releases.readAll(ds.openShard("a.bin", offset, Long.MAX_VALUE)),
                "offset " + offset);
            assertArrayEquals(
                Arrays.copyOfRange(content, (int) offset, content.length),
                Releases.readAll(ds.openShard("a.bin", offset, Long.MAX_VALUE - offset + 1)),
                "offset " + offset + ", a length whose end overflows");
          }
          try (SeekableByteChannel ch = ds.openChannel("a.bin")) {
            ch.position(Long.MAX_VALUE);
            assertEquals(-1, ch.read(ByteBuffer.allocate(10)), "a position past the end is EOF");
            ch.position(content.length - 4L);
            ByteBuffer last = ByteBuffer.allocate(100);
            assertEquals(4, ch.read(last));
            assertArrayEquals(
                Arrays.copyOfRange(content, content.length - 4, content.length),
                Arrays.copyOf(last.array(), 4));
          }
        }
      }
    }
  }
}
