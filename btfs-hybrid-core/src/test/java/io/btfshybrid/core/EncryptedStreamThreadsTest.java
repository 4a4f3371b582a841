package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.TierKind;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Encrypted streams share the client's bounded read-ahead pool instead of a thread each. */
class EncryptedStreamThreadsTest {
  static final int STREAMS = 300;

  @TempDir Path tmp;

  @Test
  void threeHundredOpenEncryptedStreamsKeepTheThreadCountBoundedAndReadExactly()
      throws IOException {
    byte[] content = Releases.random(7, 2 * Releases.CHUNK + 10); // three ciphertext chunks
    Releases.write(tmp.resolve("src"), "s.bin", content);
    FileTier tier = Releases.tier(tmp.resolve("t"), "mirror", TierKind.REPLICA);
    ManifestSigner signer = ManifestSigner.generate();
    LocalKeyManagementService kms =
        LocalKeyManagementService.generate(tmp.resolve("kek.json"), "kek-1");
    PublishResult release =
        DatasetPublisher.builder()
            .tiers(List.of(tier))
            .signer(signer)
            .chunkSize(Releases.CHUNK)
            .encryptWith(kms, "kek-1")
            .tempDirectory(tmp.resolve("staging"))
            .build()
            .publish(tmp.resolve("src"), "e", "1");
    int before = ManagementFactory.getThreadMXBean().getThreadCount();
    List<InputStream> streams = new ArrayList<>();
    try (DatasetClient client =
            DatasetClient.builder()
                .tier(tier)
                .trust(TrustRoot.of(signer.publicKeyset()))
                .keyManagement(kms)
                .build();
        Dataset ds = client.open(release.manifestUri())) {
      for (int i = 0; i < STREAMS; i++) {
        InputStream in = ds.openShard("s.bin");
        streams.add(in);
        assertArrayEquals(Arrays.copyOf(content, 3), in.readNBytes(3), "stream " + i);
      }
      int grown = ManagementFactory.getThreadMXBean().getThreadCount() - before;
      int bound = 2 * ReadPools.READ_AHEAD_THREADS + 4;
      assertTrue(grown <= bound, STREAMS + " open streams added " + grown + " threads");
      for (int i = STREAMS - 1; i >= 0; i--) { // read in the opposite order: nothing starves
        try (InputStream in = streams.get(i)) {
          assertArrayEquals(
              Arrays.copyOfRange(content, 3, content.length), in.readAllBytes(), "stream " + i);
        }
      }
    }
  }
}
