package io.btfshybrid.testkit;

import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.TierKind;
import io.btfshybrid.btfs.BtfsTier;
import io.btfshybrid.core.Dataset;
import io.btfshybrid.core.DatasetClient;
import io.btfshybrid.core.DatasetPublisher;
import io.btfshybrid.core.FileTier;
import io.btfshybrid.core.ManifestSigner;
import io.btfshybrid.core.PlannedSource;
import io.btfshybrid.core.PublishResult;
import io.btfshybrid.core.TrustRoot;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A three-tier release for the chaos soak: a {@link FileTier} replica, an S3 tier on the in-process
 * S3 server and a BTFS tier on the node simulator, each behind a {@link FaultInjectingTier}; and an
 * open dataset on a client without a disk cache (so every read goes to the tiers).
 */
final class SoakRig implements Closeable {
  static final String DATASET = "chaos";

  private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
  final List<FaultInjectingTier> tiers;
  final TestDatasets.SourceTree source;
  final Map<String, byte[]> bytes = new HashMap<>();
  final DatasetClient client;
  final Dataset dataset;

  /** {@code locators.get(shard).get(tierId)}: where each tier holds each shard. */
  final Map<String, Map<String, Locator>> locators = new HashMap<>();

  SoakRig(Path dir, int shards, long totalBytes, int chunkSize, long seed, Duration stallTimeout)
      throws IOException {
    try {
      BtfsNodeSimulator node = closing(BtfsNodeSimulator.start(dir.resolve("btfs-node")));
      S3TestServer s3 = closing(S3TestServer.start());
      FileTier replica =
          FileTier.builder()
              .id("replica")
              .kind(TierKind.REPLICA)
              .region("eu-west-1")
              .root(dir.resolve("replica"))
              .build();
      BtfsTier btfs =
          closing(
              BtfsTier.builder()
                  .id("btfs")
                  .apiUrl(node.apiUrl())
                  .requestTimeout(Duration.ofSeconds(10))
                  .build());
      tiers =
          List.of(
              FaultInjectingTier.wrap(replica),
              FaultInjectingTier.wrap(closing(s3.newTier("cloud"))),
              FaultInjectingTier.wrap(btfs));
      source = TestDatasets.write(dir.resolve("source"), shards, totalBytes, seed);
      for (String shard : source.shards()) {
        bytes.put(shard, source.bytes(shard));
      }
      ManifestSigner signer = ManifestSigner.generate();
      PublishResult release =
          DatasetPublisher.builder()
              .tiers(tiers)
              .signer(signer)
              .chunkSize(chunkSize)
              .build()
              .publish(source.root(), DATASET, "1.0.0");
      client = closing(client(signer, stallTimeout));
      dataset = closing(client.open(release.manifestUri()));
      for (ShardEntry shard : dataset.shards()) {
        Map<String, Locator> where = new HashMap<>();
        for (PlannedSource planned : dataset.plan(shard.path())) {
          where.put(planned.tierId(), planned.locator());
        }
        if (where.size() != tiers.size()) {
          throw new IllegalStateException(shard.path() + " is not on every tier: " + where);
        }
        locators.put(shard.path(), where);
      }
    } catch (IOException | RuntimeException e) {
      try {
        close();
      } catch (IOException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  /**
   * The client under test. No disk cache: every read goes to the (faulty) tiers. A stalled source
   * is abandoned after {@code stallTimeout}.
   */
  private DatasetClient client(ManifestSigner signer, Duration stallTimeout) throws IOException {
    return DatasetClient.builder()
        .tiers(tiers)
        .region("eu-west-1")
        .trust(TrustRoot.of(signer.publicKeyset()))
        .stallTimeout(stallTimeout) // DatasetClient.Builder.stallTimeout: the stall-timeout branch
        .build();
  }

  private <T extends AutoCloseable> T closing(T c) {
    toClose.push(c);
    return c;
  }

  /** Closes the dataset, the client, the tiers and the servers, in that order. */
  @Override
  public void close() throws IOException {
    IOException first = null;
    while (!toClose.isEmpty()) {
      try {
        toClose.pop().close();
      } catch (Exception e) {
        if (first == null) {
          first = new IOException("closing the soak rig failed", e);
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
