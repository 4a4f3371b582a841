package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.TierKind;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two publishers of one dataset@version at the same moment: exactly one wins. */
class ConcurrentPublishTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  @TempDir Path tmp;

  /** Outcome of one publisher: its result or its failure. */
  record Outcome(Path source, PublishResult result, Throwable failure) {}

  List<Outcome> race(Path sourceA, Path sourceB) throws Exception {
    FileTier replica = Releases.tier(tmp.resolve("replica"), "mirror", TierKind.REPLICA);
    FileTier cloud = Releases.tier(tmp.resolve("cloud"), "cloud", TierKind.CLOUD);
    ManifestSigner signer = ManifestSigner.generate();
    // both publishers have looked for an existing release before either stores its manifest
    CountDownLatch gate = new CountDownLatch(2);
    List<StorageTier> tiers =
        List.of(
            new GatedTier(replica, k -> k.equals("manifests/demo/1.0.json"), gate),
            new GatedTier(cloud, k -> k.equals("manifests/demo/1.0.json"), gate));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<PublishResult>> futures = new ArrayList<>();
      for (Path source : List.of(sourceA, sourceB)) {
        DatasetPublisher p =
            DatasetPublisher.builder()
                .tiers(tiers)
                .signer(signer)
                .chunkSize(Releases.CHUNK)
                .clock(CLOCK)
                .owner("o")
                .build();
        futures.add(pool.submit(() -> p.publish(source, "demo", "1.0")));
      }
      List<Outcome> out = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        Path source = i == 0 ? sourceA : sourceB;
        try {
          out.add(new Outcome(source, futures.get(i).get(60, TimeUnit.SECONDS), null));
        } catch (ExecutionException e) {
          out.add(new Outcome(source, null, e.getCause()));
        }
      }
      try (DatasetClient client =
          DatasetClient.builder()
              .tier(replica)
              .tier(cloud)
              .trust(TrustRoot.of(signer.publicKeyset()))
              .clock(CLOCK)
              .build()) {
        for (Outcome o : out) {
          if (o.result() != null && !o.result().alreadyPublished()) {
            for (URI uri : List.of(o.result().manifestUri(), o.result().latestUri())) {
              try (Dataset ds = client.open(uri)) {
                assertArrayEquals(
                    Files.readAllBytes(o.source().resolve("data.bin")),
                    Releases.readAll(ds.openShard("data.bin")),
                    "the winner's address reads the winner's bytes: " + uri);
              }
            }
          }
        }
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void ofTwoPublishersWithDifferentContentExactlyOneWinsAndTheOtherIsToldWhy() throws Exception {
    Path a = Releases.write(tmp.resolve("a"), "data.bin", Releases.random(1, 5000)).getParent();
    Path b = Releases.write(tmp.resolve("b"), "data.bin", Releases.random(2, 5000)).getParent();
    List<Outcome> outcomes = race(a, b);
    List<Outcome> won = outcomes.stream().filter(o -> o.result() != null).toList();
    List<Outcome> lost = outcomes.stream().filter(o -> o.failure() != null).toList();
    assertEquals(1, won.size(), "exactly one publisher wins: " + outcomes);
    assertFalse(won.get(0).result().alreadyPublished());
    assertEquals(1, lost.size());
    assertTrue(
        lost.get(0).failure() instanceof ReleaseConflictException,
        lost.get(0).failure().toString());
    assertTrue(
        lost.get(0).failure().getMessage().contains("demo@1.0"),
        lost.get(0).failure().getMessage());
  }

  @Test
  void twoPublishersOfTheSameBytesAreOneRelease() throws Exception {
    Path a = Releases.write(tmp.resolve("a"), "data.bin", Releases.random(1, 5000)).getParent();
    Path b = Releases.write(tmp.resolve("b"), "data.bin", Releases.random(1, 5000)).getParent();
    List<Outcome> outcomes = race(a, b);
    assertTrue(outcomes.stream().allMatch(o -> o.result() != null), outcomes.toString());
    assertEquals(outcomes.get(0).result().manifestHash(), outcomes.get(1).result().manifestHash());
    assertEquals(
        1,
        outcomes.stream().filter(o -> o.result().alreadyPublished()).count(),
        "one of them found the other's identical release");
  }
}
