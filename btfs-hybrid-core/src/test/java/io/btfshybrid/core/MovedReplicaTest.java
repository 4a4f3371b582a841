package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.TierKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hashes are truth, locations are hints: a replica directory moved elsewhere still serves. */
class MovedReplicaTest {
  @TempDir Path tmp;

  @Test
  void aReplicaMovedToANewRootServesEveryShardByItsContentKey() throws IOException {
    Path source = Releases.sampleSource(tmp.resolve("src"));
    FileTier before = Releases.tier(tmp.resolve("old-root"), "mirror", TierKind.REPLICA);
    ManifestSigner signer = ManifestSigner.generate();
    PublishResult release =
        Releases.publisher(signer, List.of(before)).publish(source, "demo", "1.0.0");
    Files.move(tmp.resolve("old-root"), tmp.resolve("restored-elsewhere"));
    assertFalse(Files.exists(tmp.resolve("old-root")));
    FileTier after = Releases.tier(tmp.resolve("restored-elsewhere"), "mirror", TierKind.REPLICA);

    try (DatasetClient client =
            DatasetClient.builder().tier(after).trust(TrustRoot.of(signer.publicKeyset())).build();
        Dataset ds =
            client.open(tmp.resolve("restored-elsewhere/manifests/demo/1.0.0.json").toUri())) {
      for (ShardEntry shard : ds.shards()) {
        assertArrayEquals(
            Files.readAllBytes(source.resolve(shard.path())),
            Releases.readAll(ds.openShard(shard.path())),
            shard.path());
        if (shard.storedSize() > 0) {
          assertTrue(
              Path.of(ds.plan(shard.path()).get(0).locator().uri())
                  .startsWith(tmp.resolve("restored-elsewhere")),
              "the key location under the new root comes first");
        }
      }
      assertEquals(0, client.stats().source("mirror").errors(), "no stale hint was needed");
    }
  }
}
