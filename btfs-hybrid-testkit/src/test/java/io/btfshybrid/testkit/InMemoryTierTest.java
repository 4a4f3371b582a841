package io.btfshybrid.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectExistsException;
import io.btfshybrid.api.ObjectNotFoundException;
import io.btfshybrid.api.TierKind;
import io.btfshybrid.core.Dataset;
import io.btfshybrid.core.DatasetClient;
import io.btfshybrid.core.PublishResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class InMemoryTierTest {
  @RegisterExtension final HybridStorageExtension storage = new HybridStorageExtension();

  final InMemoryTier tier =
      InMemoryTier.builder().id("mem-eu").kind(TierKind.CLOUD).region("eu-west-1").build();
  final byte[] content = TestDatasets.randomBytes(7, 1000);

  @Test
  void writesAreReadBackWithOffsetsAndLengthsAtMemLocators() throws IOException {
    Locator where = tier.write("blobs/abc", new ByteArrayInputStream(content), content.length);
    assertEquals(new Locator("mem-eu", URI.create("mem://mem-eu/blobs/abc")), where);
    assertEquals(Optional.of(where), tier.locate("blobs/abc"));
    assertEquals(Optional.of("eu-west-1"), tier.region());
    assertEquals(TierKind.CLOUD, tier.kind());
    assertArrayEquals(content, readAll(tier.read(where, 0, -1)));
    assertArrayEquals(slice(content, 100, 150), readAll(tier.read(where, 100, 50)));
    assertArrayEquals(
        slice(content, 990, 1000),
        readAll(tier.read(where, 990, 500)),
        "length past the end is clipped");
    assertArrayEquals(
        new byte[0], readAll(tier.read(where, 5000, 10)), "offset past the end reads nothing");
    assertEquals(1000, tier.stat(where).orElseThrow().size());
    assertThrows(IllegalArgumentException.class, () -> tier.read(where, -1, 10));
  }

  @Test
  void missingForeignAndDeletedObjectsAreNotFound() throws IOException {
    Locator where = tier.put("a/b", content);
    assertThrows(
        ObjectNotFoundException.class, () -> tier.read(tier.locate("a/c").orElseThrow(), 0, -1));
    assertThrows(
        ObjectNotFoundException.class,
        () -> tier.read(new Locator("mem-eu", URI.create("mem://other/a/b")), 0, -1),
        "another tier's locator");
    assertThrows(
        ObjectNotFoundException.class,
        () -> tier.read(new Locator("mem-eu", URI.create("file:/a/b")), 0, -1),
        "another scheme");
    tier.delete(where);
    ObjectNotFoundException e =
        assertThrows(ObjectNotFoundException.class, () -> tier.read(where, 0, -1));
    assertEquals(where, e.locator());
    assertEquals(Optional.empty(), tier.stat(where));
    tier.delete(where); // deleting a missing object is a no-op
  }

  @Test
  void aShortWriteStoresNothingAndHelpersSeeWhatIsHeld() throws IOException {
    IOException e =
        assertThrows(
            IOException.class,
            () -> tier.write("short", new ByteArrayInputStream(content), content.length + 1L));
    assertTrue(e.getMessage().contains("1001"), e.getMessage());
    assertFalse(tier.contains("short"));

    tier.put("x/2", content);
    tier.put("x/1", new byte[] {1, 2, 3});
    assertEquals(List.of("x/1", "x/2"), List.copyOf(tier.keys()));
    byte[] copy = tier.bytes("x/1");
    copy[0] = 9;
    assertArrayEquals(new byte[] {1, 2, 3}, tier.bytes("x/1"), "bytes() hands out a copy");
    IllegalArgumentException missing =
        assertThrows(IllegalArgumentException.class, () -> tier.bytes("nope"));
    assertTrue(missing.getMessage().contains("'nope'"), missing.getMessage());
    tier.clear();
    assertEquals(Set.of(), tier.keys());
    assertThrows(IllegalArgumentException.class, () -> InMemoryTier.of("bad id", TierKind.REPLICA));
    assertThrows(IllegalArgumentException.class, () -> tier.put("/absolute", content));
  }

  @Test
  void concurrentWritersAndReadersSeeWholeObjects() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<byte[]>> reads = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        int n = i;
        reads.add(
            pool.submit(
                () -> {
                  Locator where = tier.put("k/" + n, TestDatasets.randomBytes(n, 4096));
                  return readAll(tier.read(where, 0, -1));
                }));
      }
      for (int i = 0; i < reads.size(); i++) {
        assertArrayEquals(TestDatasets.randomBytes(i, 4096), reads.get(i).get());
      }
      assertEquals(64, tier.keys().size());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aReleasePublishedToMemoryTiersReadsBackExactly() throws IOException {
    InMemoryTier mirror = storage.memoryTier("mirror", TierKind.REPLICA);
    TestDatasets.SourceTree source = storage.source(3, 300_000, 11);
    PublishResult release =
        storage
            .publisher(mirror)
            .chunkSize(64 * 1024)
            .build()
            .publish(source.root(), "mem", "1.0.0");
    assertTrue(mirror.contains("manifests/mem/1.0.0.json"), mirror.keys().toString());
    try (DatasetClient client = storage.client(mirror).build();
        Dataset ds = client.open(release.manifestUri())) {
      for (String shard : source.shards()) {
        assertArrayEquals(source.bytes(shard), readAll(ds.openShard(shard)), shard);
      }
      assertEquals(300_000, client.stats().source("mirror").bytesServed());
    }
  }

  @Test
  void rangesFollowTheSharedTierChecksWithoutOverflowing() throws IOException {
    Locator where = tier.put("r", content);
    assertArrayEquals(content, readAll(tier.read(where, 0, Long.MAX_VALUE)));
    assertArrayEquals(slice(content, 500, 1000), readAll(tier.read(where, 500, Long.MAX_VALUE)));
    assertArrayEquals(new byte[0], readAll(tier.read(where, Long.MAX_VALUE, Long.MAX_VALUE)));
    assertArrayEquals(new byte[0], readAll(tier.read(where, 2000, 0)));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> tier.read(where, 0, -2));
    assertTrue(e.getMessage().contains("-2"), e.getMessage());
  }

  @Test
  void aLocatorNamingAnotherTierIsNotFoundEvenWithThisTiersUri() throws IOException {
    Locator where = tier.put("a/b", content);
    ObjectNotFoundException e =
        assertThrows(
            ObjectNotFoundException.class,
            () -> tier.read(new Locator("mem-us", where.uri()), 0, -1));
    assertTrue(e.getMessage().contains("mem-us"), e.getMessage());
  }

  @Test
  void idsRegionsAndKindsAreCheckedLikeEveryTiers() {
    assertThrows(
        IllegalArgumentException.class,
        () -> InMemoryTier.builder().id("x").region("EU West").build());
    assertThrows(IllegalArgumentException.class, () -> InMemoryTier.of("x", null));
    assertThrows(IllegalArgumentException.class, () -> InMemoryTier.builder().build());
  }

  @Test
  void ofConcurrentConditionalCreatesExactlyOneWinsAndItsBytesStay() throws Exception {
    int writers = 16;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Locator>> tries = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        byte[] mine = TestDatasets.randomBytes(100 + i, 4096);
        tries.add(
            pool.submit(
                () -> {
                  start.await();
                  return tier.writeNew("manifests/m.json", new ByteArrayInputStream(mine), -1);
                }));
      }
      start.countDown();
      int winner = -1;
      for (int i = 0; i < writers; i++) {
        try {
          assertEquals(tier.locate("manifests/m.json").orElseThrow(), tries.get(i).get());
          assertEquals(-1, winner, "a second writer won");
          winner = i;
        } catch (ExecutionException e) {
          assertTrue(e.getCause() instanceof ObjectExistsException, e.getCause().toString());
        }
      }
      assertTrue(winner >= 0, "nobody won");
      assertArrayEquals(
          TestDatasets.randomBytes(100 + winner, 4096), tier.bytes("manifests/m.json"));
    } finally {
      pool.shutdownNow();
    }
  }

  static byte[] readAll(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }

  static byte[] slice(byte[] b, int from, int to) {
    return java.util.Arrays.copyOfRange(b, from, to);
  }
}
