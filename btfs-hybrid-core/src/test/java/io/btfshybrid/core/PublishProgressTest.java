package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.TierKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PublishProgressTest {
  @TempDir Path tmp;

  record Call(String phase, long done, long total) {}

  @Test
  void progressMovesWithinOneLargeFileWhileHashingAndUploading() throws Exception {
    Path source = Files.createDirectories(tmp.resolve("src"));
    byte[] big = new byte[6 << 20];
    new Random(5).nextBytes(big);
    Files.write(source.resolve("one.bin"), big);
    List<FileTier> tiers =
        List.of(
            FileTier.builder().id("a").kind(TierKind.REPLICA).root(tmp.resolve("a")).build(),
            FileTier.builder().id("b").kind(TierKind.CLOUD).root(tmp.resolve("b")).build());
    List<Call> calls = new ArrayList<>();
    DatasetPublisher.builder()
        .tier(tiers.get(0))
        .tier(tiers.get(1))
        .signer(ManifestSigner.generate())
        .chunkSize(1 << 20)
        .progress((phase, done, total) -> calls.add(new Call(phase, done, total)))
        .build()
        .publish(source, "big", "1");

    long size = big.length;
    List<Call> hash = calls.stream().filter(c -> c.phase().equals("hash")).toList();
    List<Call> upload = calls.stream().filter(c -> c.phase().equals("upload")).toList();
    // several reports inside the single file, not one at its end
    assertTrue(hash.stream().anyMatch(c -> c.done() > 0 && c.done() < size), hash.toString());
    assertTrue(upload.stream().anyMatch(c -> c.done() > 0 && c.done() < size), upload.toString());
    assertEquals(new Call("hash", size, size), hash.get(hash.size() - 1));
    // two tiers: the upload phase moves every byte twice
    assertEquals(new Call("upload", 2 * size, 2 * size), upload.get(upload.size() - 1));
    for (List<Call> phase : List.of(hash, upload)) {
      for (int i = 1; i < phase.size(); i++) {
        assertTrue(phase.get(i).done() >= phase.get(i - 1).done(), "progress went back: " + phase);
      }
    }
  }
}
