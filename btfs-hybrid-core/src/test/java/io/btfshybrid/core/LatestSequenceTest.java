package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ManifestRejectedException;
import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.TierKind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The latest pointer's sequence only goes up, whatever a tier or a second process does. */
class LatestSequenceTest {
  @TempDir Path tmp;

  /** Reads of the latest pointer fail (like a reset connection) while {@code failing} is set. */
  static final class FlakyLatestTier extends ForwardingTier {
    final AtomicBoolean failing = new AtomicBoolean();

    FlakyLatestTier(StorageTier delegate) {
      super(delegate);
    }

    @Override
    public InputStream read(Locator where, long offset, long length) throws IOException {
      if (failing.get() && where.uri().getPath().endsWith("/latest.json")) {
        throw new IOException("connection reset by peer");
      }
      return super.read(where, offset, length);
    }
  }

  long sequenceOn(FileTier tier, TrustRoot trust) {
    return LatestPointers.newest(List.of(tier), "demo", trust, new ArrayList<>())
        .orElseThrow()
        .pointer()
        .sequence();
  }

  @Test
  void aTransientReadFailureOfTheLatestPointerFailsPublishingInsteadOfRestartingAtOne()
      throws IOException {
    FileTier replica = Releases.tier(tmp.resolve("replica"), "mirror", TierKind.REPLICA);
    FlakyLatestTier flaky = new FlakyLatestTier(replica);
    ManifestSigner signer = ManifestSigner.generate();
    TrustRoot trust = TrustRoot.of(signer.publicKeyset());
    DatasetPublisher publisher = Releases.publisher(signer, List.of(flaky));
    Path source = Releases.sampleSource(tmp.resolve("src"));
    publisher.publish(source, "demo", "1");
    Files.writeString(source.resolve("val/small.txt"), "v2");
    publisher.publish(source, "demo", "2");
    assertEquals(2, sequenceOn(replica, trust));

    flaky.failing.set(true);
    Files.writeString(source.resolve("val/small.txt"), "v3");
    LatestPointerUnavailableException e =
        assertThrows(
            LatestPointerUnavailableException.class, () -> publisher.publish(source, "demo", "3"));
    assertEquals("mirror", e.tierId());
    assertTrue(e.retryable());
    assertTrue(e.getMessage().contains("mirror"), e.getMessage());
    assertTrue(e.getMessage().contains("connection reset"), e.getMessage());
    assertEquals(2, sequenceOn(replica, trust), "nothing moved");
    assertFalse(
        Files.exists(replica.root().resolve("manifests/demo/3.json")),
        "nothing was stored for a publication that could not continue the sequence");
    assertThrows(LatestPointerUnavailableException.class, () -> publisher.refreshLatest("demo"));

    flaky.failing.set(false);
    PublishResult retried = publisher.publish(source, "demo", "3");
    assertFalse(retried.alreadyPublished());
    assertEquals(3, sequenceOn(replica, trust), "the retry continues the sequence");
  }

  @Test
  void oneUnreadableTierAmongSeveralStillStopsThePublication() throws IOException {
    FileTier replica = Releases.tier(tmp.resolve("replica"), "mirror", TierKind.REPLICA);
    FileTier cloud = Releases.tier(tmp.resolve("cloud"), "cloud", TierKind.CLOUD);
    FlakyLatestTier flaky = new FlakyLatestTier(cloud);
    ManifestSigner signer = ManifestSigner.generate();
    DatasetPublisher publisher = Releases.publisher(signer, List.of(replica, flaky));
    Path source = Releases.sampleSource(tmp.resolve("src"));
    publisher.publish(source, "demo", "1");
    flaky.failing.set(true);
    Files.writeString(source.resolve("val/small.txt"), "v2");
    LatestPointerUnavailableException e =
        assertThrows(
            LatestPointerUnavailableException.class, () -> publisher.publish(source, "demo", "2"));
    assertEquals("cloud", e.tierId(), "the tier that may hold a higher sequence is named");
  }

  static LatestPointer pointer(long sequence) {
    String hash = Digests.sha256Hex(Long.toString(sequence).getBytes());
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    return new LatestPointer(
        "demo",
        sequence,
        "v" + sequence,
        1,
        ManifestUris.manifestKey("demo", "v" + sequence),
        hash,
        t,
        t.plusSeconds(3600));
  }

  @Test
  void twoClientsSharingATrustStateDirectoryNeverRegressIt() throws IOException {
    Path dir = tmp.resolve("state");
    TrustState a = new TrustState(Optional.of(dir));
    TrustState b = new TrustState(Optional.of(dir));
    a.record(pointer(3), "a");
    b.record(pointer(5), "b");
    // a still remembers 3 in memory, but the directory says 5: 4 is a rollback for a too
    ManifestRejectedException refused =
        assertThrows(ManifestRejectedException.class, () -> a.record(pointer(4), "a"));
    assertTrue(refused.getMessage().contains("sequence 5"), refused.getMessage());

    TrustState restarted = new TrustState(Optional.of(dir));
    ManifestRejectedException e =
        assertThrows(ManifestRejectedException.class, () -> restarted.check(pointer(4), "later"));
    assertEquals(ManifestRejectedException.Reason.ROLLBACK, e.reason());
    restarted.check(pointer(5), "later");
    assertThrows(ManifestRejectedException.class, () -> a.check(pointer(4), "a again"));
  }

  @Test
  void concurrentRecordersOnOneDirectoryKeepTheMaximum() throws Exception {
    Path dir = tmp.resolve("state");
    int writers = 6;
    int perWriter = 20;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int first = w + 1;
        done.add(
            pool.submit(
                () -> {
                  TrustState mine = new TrustState(Optional.of(dir));
                  start.await();
                  for (int i = 0; i < perWriter; i++) {
                    long seq = first + (long) i * writers;
                    try {
                      mine.record(pointer(seq), "writer " + first);
                    } catch (ManifestRejectedException rollback) {
                      // another writer already recorded a higher sequence: refusing is right
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    long highest = (long) writers * perWriter;
    TrustState after = new TrustState(Optional.of(dir));
    after.check(pointer(highest), "after");
    assertThrows(ManifestRejectedException.class, () -> after.check(pointer(highest - 1), "after"));
  }
}
