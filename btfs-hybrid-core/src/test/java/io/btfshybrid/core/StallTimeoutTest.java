package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectInfo;
import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.TierKind;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A source that stops making progress is abandoned after the stall timeout, on any tier. */
class StallTimeoutTest {
  static final Duration HANG_GUARD = Duration.ofSeconds(30);
  static final String PATH = "big.bin";

  @TempDir Path tmp;

  /** How the in-test tier misbehaves. */
  enum Stall {
    /** The tier's {@code read} call itself never returns. */
    OPEN,
    /** The stream delivers the first chunk, then blocks forever. */
    AFTER_FIRST_CHUNK
  }

  /**
   * A tier over a real copy whose shard reads block on a latch that never opens (until
   * interrupted).
   */
  static final class StallingTier implements StorageTier {
    final StorageTier copy;
    final Stall mode;
    final CountDownLatch never = new CountDownLatch(1);
    final AtomicInteger released = new AtomicInteger();

    StallingTier(StorageTier copy, Stall mode) {
      this.copy = copy;
      this.mode = mode;
    }

    void block() throws InterruptedIOException {
      try {
        never.await();
      } catch (InterruptedException e) {
        released.incrementAndGet();
        throw new InterruptedIOException("stalled read interrupted");
      }
    }

    @Override
    public String id() {
      return copy.id();
    }

    @Override
    public TierKind kind() {
      return copy.kind();
    }

    @Override
    public Optional<Locator> locate(String key) {
      return copy.locate(key);
    }

    @Override
    public Locator write(String key, InputStream in, long size) throws IOException {
      return copy.write(key, in, size);
    }

    @Override
    public Optional<ObjectInfo> stat(Locator where) throws IOException {
      return copy.stat(where);
    }

    @Override
    public void delete(Locator where) throws IOException {
      copy.delete(where);
    }

    @Override
    public InputStream read(Locator where, long offset, long length) throws IOException {
      InputStream real = copy.read(where, offset, length);
      if (!where.uri().getPath().contains("/blobs/")) {
        return real; // manifests are served; shard bytes stall
      }
      if (mode == Stall.OPEN) {
        real.close();
        block();
      }
      return new FilterInputStream(real) {
        long delivered;

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          if (offset + delivered >= Releases.CHUNK) {
            block();
          }
          int n = super.read(b, off, (int) Math.min(len, Releases.CHUNK - delivered - offset));
          delivered += Math.max(0, n);
          return n;
        }
      };
    }
  }

  void readsExactBytesDespite(Stall mode) throws IOException {
    byte[] content = Releases.random(3, Releases.CHUNK * 4 + 1);
    Releases.write(tmp.resolve("src"), PATH, content);
    FileTier replica = Releases.tier(tmp.resolve("replica"), "mirror", TierKind.REPLICA);
    FileTier cloud = Releases.tier(tmp.resolve("cloud"), "cloud", TierKind.CLOUD);
    ManifestSigner signer = ManifestSigner.generate();
    PublishResult release =
        Releases.publisher(signer, List.of(replica, cloud)).publish(tmp.resolve("src"), "d", "1");
    StallingTier stalling = new StallingTier(replica, mode);
    try (DatasetClient client =
            DatasetClient.builder()
                .tier(cloud)
                .tier(stalling)
                .trust(TrustRoot.of(signer.publicKeyset()))
                .stallTimeout(Duration.ofMillis(300))
                .hedging(false) // the stall timeout itself is tested: a hedge would rescue the read
                .build();
        Dataset ds = client.open(release.manifestUri())) {
      assertEquals("mirror", ds.plan(PATH).get(0).tierId(), "the stalling replica is asked first");
      byte[] got =
          assertTimeoutPreemptively(HANG_GUARD, () -> Releases.readAll(ds.openShard(PATH)));
      assertArrayEquals(content, got);
      TierStats mirror = client.stats().source("mirror");
      assertEquals(1, mirror.stalls(), "the stall is counted against the tier");
      assertEquals(mode == Stall.OPEN ? 0 : Releases.CHUNK, mirror.bytesServed());
      assertEquals(
          content.length - mirror.bytesServed(), client.stats().source("cloud").bytesServed());
      assertTrue(!Thread.currentThread().isInterrupted(), "the reader is not left interrupted");
    }
  }

  @Test
  void aTierWhoseReadCallNeverReturnsIsAbandonedForTheNextTier() throws IOException {
    readsExactBytesDespite(Stall.OPEN);
  }

  @Test
  void aStreamThatStopsDeliveringIsAbandonedAtTheSameChunk() throws IOException {
    readsExactBytesDespite(Stall.AFTER_FIRST_CHUNK);
  }
}
