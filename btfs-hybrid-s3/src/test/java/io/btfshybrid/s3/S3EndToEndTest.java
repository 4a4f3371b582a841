package io.btfshybrid.s3;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.TierKind;
import io.btfshybrid.core.Dataset;
import io.btfshybrid.core.DatasetClient;
import io.btfshybrid.core.DatasetPublisher;
import io.btfshybrid.core.FileTier;
import io.btfshybrid.core.ManifestSigner;
import io.btfshybrid.core.PublishResult;
import io.btfshybrid.core.TrustRoot;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole product path with a real S3 server as the cloud tier: a release published to a file
 * replica and S3; the replica is wiped; a fresh client still reads every shard exactly, from S3.
 */
class S3EndToEndTest {
  private static final int MIB = 1024 * 1024;
  private static final int CHUNK = 256 * 1024;

  @TempDir Path tmp;
  private LocalS3Server server;
  private S3Tier cloud;
  private FileTier replica;
  private ManifestSigner signer;
  private Map<String, byte[]> originals;
  private PublishResult release;

  @BeforeEach
  void publish() throws Exception {
    server = LocalS3Server.start("datasets");
    cloud = server.tier("cloud", "datasets").prefix("releases").build();
    replica =
        FileTier.builder()
            .id("mirror")
            .kind(TierKind.REPLICA)
            .region("eu-west-1")
            .root(tmp.resolve("replica"))
            .build();
    originals = new HashMap<>();
    Path source = tmp.resolve("source");
    addFile(source, "README", 5_000, 1);
    addFile(source, "train/000000.bin", 3 * MIB + 17, 2);
    addFile(source, "train/nested/000001.bin", 18 * MIB + 5, 3);
    addFile(source, "val/empty.bin", 0, 4);
    signer = ManifestSigner.generate();
    release =
        DatasetPublisher.builder()
            .tier(replica)
            .tier(cloud)
            .signer(signer)
            .chunkSize(CHUNK)
            .build()
            .publish(source, "e2e-dataset", "1.0.0");
  }

  @AfterEach
  void stop() throws Exception {
    cloud.close();
    server.close();
  }

  private void addFile(Path source, String relative, int size, long seed) throws IOException {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    Path file = source.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
    originals.put(relative, bytes);
  }

  private void wipeReplica() throws IOException {
    try (Stream<Path> files = Files.walk(replica.root())) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
    assertTrue(Files.notExists(replica.root()));
  }

  private static byte[] readAll(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }

  @Test
  void afterTheReplicaIsWipedEveryShardIsServedExactlyFromS3() throws IOException {
    long shardBytes = originals.values().stream().mapToLong(b -> b.length).sum();
    assertTrue(cloud.list("blobs/").size() >= 3, "the shards' blobs landed in S3");
    wipeReplica();

    try (DatasetClient client =
            DatasetClient.builder()
                .tier(replica)
                .tier(cloud)
                .region("eu-west-1")
                .trust(TrustRoot.of(signer.publicKeyset()))
                .cacheDirectory(tmp.resolve("cache"))
                .build();
        Dataset dataset = client.open(release.manifestUri())) {
      assertEquals(originals.keySet().size(), dataset.shards().size());
      for (ShardEntry shard : dataset.shards()) {
        assertArrayEquals(
            originals.get(shard.path()), readAll(dataset.openShard(shard.path())), shard.path());
      }
      assertEquals(shardBytes, client.stats().source("cloud").bytesServed());
      assertEquals(0, client.stats().source("mirror").bytesServed());
    }
  }

  @Test
  void aConnectionCutMidBodyResumesOnTheNextSourceWithExactBytes() throws IOException {
    wipeReplica();
    ShardEntry big = release.manifest().shard("train/nested/000001.bin").orElseThrow();
    String blobPath = "/datasets/releases/" + io.btfshybrid.core.ManifestResolver.blobKey(big);
    byte[] blob = originals.get(big.path());
    int cutAfter = 2 * CHUNK + 1000;
    WireMockServer flaky =
        new WireMockServer(wireMockConfig().dynamicPort().preserveHostHeader(true));
    flaky.start();
    try {
      flaky.stubFor(
          any(anyUrl())
              .atPriority(10)
              .willReturn(aResponse().proxiedFrom(server.endpoint().toString())));
      flaky.stubFor(
          get(urlEqualTo(blobPath))
              .atPriority(1)
              .inScenario("cut once")
              .whenScenarioStateIs(Scenario.STARTED)
              .willReturn(
                  aResponse()
                      .withStatus(206)
                      .withHeader(
                          "Content-Range", "bytes 0-" + (blob.length - 1) + "/" + blob.length)
                      .withHeader("Content-Length", Integer.toString(blob.length))
                      .withBody(Arrays.copyOf(blob, cutAfter)))
              .willSetStateTo("cut"));
      try (S3Tier throughFlakyLink =
              server
                  .tier("cloud-flaky", "datasets")
                  .endpoint(URI.create(flaky.baseUrl()))
                  .prefix("releases")
                  .build();
          DatasetClient client =
              DatasetClient.builder()
                  .tier(replica)
                  .tier(throughFlakyLink)
                  .tier(cloud)
                  .trust(TrustRoot.of(signer.publicKeyset()))
                  .build();
          Dataset dataset = client.open(release.manifestUri())) {
        assertArrayEquals(blob, readAll(dataset.openShard(big.path())));
        assertEquals(
            "cut", flaky.getAllScenarios().getScenarios().get(0).getState(), "the cut was served");
        long flakyBytes = client.stats().source("cloud-flaky").bytesServed();
        long directBytes = client.stats().source("cloud").bytesServed();
        assertEquals(blob.length, flakyBytes + directBytes);
        assertTrue(directBytes > 0, "the rest came from the other source");
      }
    } finally {
      flaky.stop();
    }
  }
}
