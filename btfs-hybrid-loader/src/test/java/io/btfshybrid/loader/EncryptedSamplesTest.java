package io.btfshybrid.loader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.TierKind;
import io.btfshybrid.core.BlobKeys;
import io.btfshybrid.core.Dataset;
import io.btfshybrid.core.DatasetClient;
import io.btfshybrid.core.DatasetPublisher;
import io.btfshybrid.core.FileTier;
import io.btfshybrid.core.LocalKeyManagementService;
import io.btfshybrid.core.ManifestSigner;
import io.btfshybrid.core.TrustRoot;
import io.btfshybrid.testkit.FaultInjectingTier;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Samples of an encrypted release: a sample read fetches and decrypts only its own segments. */
class EncryptedSamplesTest {
  static final int CHUNK = 1024;
  static final int LINES = 3000;

  @TempDir Path tmp;
  final ManifestSigner signer = ManifestSigner.generate();
  LocalKeyManagementService kms;
  FaultInjectingTier tier;
  List<String> lines = new ArrayList<>();
  String uri;

  @BeforeEach
  void publish() throws IOException {
    Path src = Files.createDirectories(tmp.resolve("src"));
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < LINES; i++) {
      String line = "{\"n\":" + i + ",\"pad\":\"" + "x".repeat(40 + i % 90) + "\"}";
      lines.add(line);
      text.append(line).append('\n');
    }
    Files.writeString(src.resolve("big.jsonl"), text.substring(0, text.length() - 1));
    kms = LocalKeyManagementService.generate(tmp.resolve("kek.json"), "kek-1");
    tier =
        FaultInjectingTier.wrap(
            FileTier.builder().id("a").kind(TierKind.REPLICA).root(tmp.resolve("tier")).build());
    uri =
        DatasetPublisher.builder()
            .tiers(List.<StorageTier>of(tier))
            .signer(signer)
            .chunkSize(CHUNK)
            .encryptWith(kms, "kek-1")
            .tempDirectory(tmp.resolve("staging"))
            .build()
            .publish(src, "enc", "1")
            .manifestUri()
            .toString();
  }

  DatasetClient.Builder client() {
    return DatasetClient.builder()
        .tier(tier)
        .trust(TrustRoot.of(signer.publicKeyset()))
        .keyManagement(kms);
  }

  @Test
  void aSampleInTheMiddleOfALargeEncryptedShardReadsOnlyTheSegmentsItTouches() throws IOException {
    try (DatasetClient client = client().build();
        Dataset ds = client.open(URI.create(uri));
        SampleDataset samples = SampleDataset.open(ds)) {
      assertTrue(ds.isEncrypted());
      ShardEntry shard = ds.shards().get(0);
      assertTrue(shard.chunkCount() > 200, shard.chunkCount() + " segments");
      String key = BlobKeys.of(shard);
      for (int i : new int[] {1500, 2222, 777}) {
        long before = tier.bytesServed(key);
        Sample s = samples.get(i);
        long fetched = tier.bytesServed(key) - before;
        assertArrayEquals(
            lines.get(i).getBytes(StandardCharsets.UTF_8), LoaderTest.bytes(s.bytes()));
        // the header (in the first segment) and the one or two segments the ~100-byte line lies in
        assertTrue(
            fetched <= 3L * CHUNK,
            "line " + i + " fetched " + fetched + " of " + shard.storedSize() + " stored bytes");
        assertTrue(fetched >= s.length(), "fetched " + fetched);
      }
      assertEquals(LINES, samples.size());
    }
  }

  @Test
  void aLoaderPinningTheEncryptedShardReadsItOnceAndEverySampleIsExact() throws IOException {
    try (DatasetClient client =
            client().cacheDirectory(tmp.resolve("cache")).cacheMaxBytes(16L << 20).build();
        Loader loader =
            Loader.builder(client).stream(uri)
                .batchSize(100)
                .seed(2)
                .blockSize(256)
                .cache(ShardCache.of(client))
                .readThreads(2)
                .build();
        Dataset ds = client.open(URI.create(uri))) {
      String key = BlobKeys.of(ds.shards().get(0));
      long before = tier.bytesServed(key);
      int seen = 0;
      try (LoaderIterator it = loader.iterator(0)) {
        while (it.hasNext()) {
          try (SampleBatch b = it.next()) {
            for (Sample s : b) {
              String line = lines.get(Integer.parseInt(s.key()));
              assertArrayEquals(line.getBytes(StandardCharsets.UTF_8), LoaderTest.bytes(s.bytes()));
              seen++;
            }
          }
        }
      }
      assertEquals(LINES, seen);
      assertEquals(ds.shards().get(0).storedSize(), tier.bytesServed(key) - before, "once");
    }
  }
}
