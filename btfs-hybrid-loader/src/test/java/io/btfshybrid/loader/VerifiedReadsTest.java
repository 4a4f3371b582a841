package io.btfshybrid.loader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.hash.Hashing;
import io.btfshybrid.core.Dataset;
import io.btfshybrid.core.DatasetClient;
import io.btfshybrid.core.FileTier;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Samples through the verified read path: random access, corrupt tiers, the byte bound. */
class VerifiedReadsTest {
  @TempDir Path tmp;

  @Test
  void anOldManifestIsOneRawSamplePerShardInManifestOrder() throws IOException {
    Fixtures fx = new Fixtures(tmp, "mirror");
    String uri = fx.publish("old", 12);
    try (DatasetClient client = fx.client();
        Dataset ds = client.open(URI.create(uri));
        SampleDataset samples = SampleDataset.open(ds)) {
      assertEquals(12, samples.size());
      for (long i = 11; i >= 0; i--) {
        Sample s = samples.get(i);
        assertEquals(ds.shards().get((int) i).path(), s.shardPath());
        assertEquals(new SampleRef((int) i, 0, i), s.ref());
        assertEquals(s.shardPath().replace(".bin", ""), s.key());
        assertArrayEquals(Fixtures.content("old", (int) i), LoaderTest.bytes(s.bytes()));
      }
      assertThrows(IndexOutOfBoundsException.class, () -> samples.get(12));
    }
  }

  @Test
  void withATierCorruptingOneChunkInTenEverySampleIsExact() throws IOException {
    Fixtures fx = new Fixtures(tmp, "a", "b");
    Map<String, byte[]> files = fx.source("c", 40);
    String uri = fx.publish("c", 40);
    // each file is one chunk; tier a corrupts every tenth, tier b another tenth
    int i = 0;
    for (byte[] content : files.values()) {
      String sha = Hashing.sha256().hashBytes(content).toString();
      if (i % 10 == 0) {
        flip(fx.tiers.get(0), sha, content.length / 2);
      } else if (i % 10 == 5) {
        flip(fx.tiers.get(1), sha, content.length - 1);
      }
      i++;
    }
    try (DatasetClient client = fx.client();
        Loader loader =
            Loader.builder(client).stream(uri)
                .batchSize(5)
                .shuffle(ShuffleAlgorithm.GLOBAL)
                .readThreads(3)
                .build();
        LoaderIterator it = loader.iterator(0)) {
      int seen = 0;
      while (it.hasNext()) {
        try (SampleBatch b = it.next()) {
          for (Sample s : b) {
            LoaderTest.describe(s); // asserts the exact bytes
            seen++;
          }
        }
      }
      assertEquals(40, seen);
      assertTrue(loader.stats().integrityFailures() > 0, loader.stats().toString());
    }
  }

  private static void flip(FileTier tier, String sha, long offset) throws IOException {
    try (RandomAccessFile f =
        new RandomAccessFile(tier.root().resolve("blobs/" + sha).toFile(), "rw")) {
      f.seek(offset);
      int b = f.read();
      f.seek(offset);
      f.write(b ^ 0x40);
    }
  }

  @Test
  void prefetchHoldsNoMoreThanItsByteBound() throws Exception {
    Fixtures fx = new Fixtures(tmp, "mirror");
    String uri = fx.publish("p", 30);
    LoaderPools pools = LoaderPools.of(2, 2);
    try (DatasetClient client = fx.client();
        Dataset ds = client.open(URI.create(uri));
        SampleDataset samples = SampleDataset.open(ds)) {
      Streams streams = new Streams(List.of(samples));
      long largest = 0;
      for (int k = 0; k < 30; k++) {
        largest = Math.max(largest, Fixtures.content("p", k).length);
      }
      long bound = 1500;
      List<Integer> got = new ArrayList<>();
      try (Prefetcher p =
          new Prefetcher(
              new Prefetcher.Reads(streams, pools, null, new LoaderMetrics(client)), 1000, bound)) {
        p.append(() -> LongStream.range(0, 30).iterator());
        p.fill();
        for (int k = 0; k < 30; k++) {
          assertTrue(
              p.bytesHeld() <= Math.max(bound, largest), "held " + p.bytesHeld() + " > " + bound);
          Sample s = p.take();
          got.add(Integer.parseInt(s.key().substring(2)));
          assertArrayEquals(Fixtures.content("p", k), LoaderTest.bytes(s.bytes()));
        }
      }
      assertEquals(30, got.size());
    } finally {
      pools.shutdownNow();
    }
  }
}
