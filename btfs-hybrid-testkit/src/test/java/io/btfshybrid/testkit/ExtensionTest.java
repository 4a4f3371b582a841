package io.btfshybrid.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.ManifestRejectedException;
import io.btfshybrid.api.TierKind;
import io.btfshybrid.core.Dataset;
import io.btfshybrid.core.DatasetClient;
import io.btfshybrid.core.FileTier;
import io.btfshybrid.core.ManifestSigner;
import io.btfshybrid.core.PublishResult;
import io.btfshybrid.core.TrustRoot;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ExtensionTest {
  @RegisterExtension final HybridStorageExtension storage = new HybridStorageExtension();

  @Test
  void tiersSignerAndBuildersPublishAndReadARelease() throws IOException {
    FileTier mirror = storage.fileTier("mirror", TierKind.REPLICA);
    InMemoryTier cloud = storage.memoryTier("cloud", TierKind.CLOUD);
    assertTrue(mirror.root().startsWith(storage.root()), mirror.root().toString());
    TestDatasets.SourceTree source = storage.source(2, 100_000, 5);
    PublishResult release =
        storage
            .publisher(mirror, cloud)
            .chunkSize(16 * 1024)
            .build()
            .publish(source.root(), "ext", "1.0.0");
    assertSame(storage.signer(), storage.signer(), "one signer per test");
    try (DatasetClient client = storage.client(cloud, mirror).build();
        Dataset ds = client.open(release.manifestUri())) {
      for (String shard : source.shards()) {
        try (InputStream in = ds.openShard(shard)) {
          assertArrayEquals(source.bytes(shard), in.readAllBytes(), shard);
        }
      }
    }
    TrustRoot stranger = TrustRoot.of(ManifestSigner.generate().publicKeyset());
    try (DatasetClient client = storage.client(mirror).trust(stranger).build()) {
      assertThrows(
          ManifestRejectedException.class,
          () -> client.open(release.manifestUri()),
          "the client builder trusts only the extension's signer unless told otherwise");
    }
  }

  @Test
  void sourcesAreDeterministicBySeedAndSplitTheTotal() throws IOException {
    TestDatasets.SourceTree a = TestDatasets.write(storage.directory("a"), 3, 1_000_001, 9);
    TestDatasets.SourceTree b = TestDatasets.write(storage.directory("b"), 3, 1_000_001, 9);
    TestDatasets.SourceTree c = TestDatasets.write(storage.directory("c"), 3, 1_000_001, 10);
    assertEquals(3, a.shards().size());
    long total = 0;
    for (String shard : a.shards()) {
      total += Files.size(a.file(shard));
      assertArrayEquals(a.bytes(shard), b.bytes(shard), "same seed, same bytes: " + shard);
      assertFalse(
          java.util.Arrays.equals(a.bytes(shard), c.bytes(shard)),
          "another seed, other bytes: " + shard);
    }
    assertEquals(1_000_001, total);
    assertEquals(
        333_334, Files.size(a.file(a.shards().get(0))), "the remainder goes to the first shards");
    assertArrayEquals(
        TestDatasets.randomBytes(3, 100),
        java.util.Arrays.copyOf(TestDatasets.randomBytes(3, 101), 100));
    assertThrows(
        IllegalArgumentException.class, () -> TestDatasets.write(storage.directory("d"), 0, 10, 1));
  }

  @Test
  void eachTestGetsAFreshDirectoryThatIsDeletedAfterwards() throws Exception {
    HybridStorageExtension other = new HybridStorageExtension();
    assertThrows(IllegalStateException.class, other::root, "no directory outside a test");
    other.beforeEach(null);
    Path root = other.root();
    assertNotSame(storage.root(), root);
    Files.write(other.directory("x/y").resolve("f"), new byte[10]);
    other.fileTier("t", TierKind.BTFS);
    other.afterEach(null);
    assertFalse(Files.exists(root), root + " was removed");
  }
}
