package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.btfshybrid.api.Locator;
import io.btfshybrid.api.TierKind;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Opening a release has the same deadline as reading a shard: a tier whose manifest or latest
 * pointer never arrives is abandoned after the stall timeout, and the next tier serves it.
 */
class DocumentStallTest {
  @TempDir Path tmp;

  /** Which part of a document read hangs. */
  enum Hang {
    /** The tier's read call for the document never returns. */
    OPEN,
    /** The document's stream delivers a few bytes, then nothing. */
    BODY
  }

  /** Hangs (until interrupted) every read of a document that is not a blob. */
  static final class HangingDocuments extends ForwardingTier {
    final Hang hang;
    final CountDownLatch never = new CountDownLatch(1);

    HangingDocuments(FileTier delegate, Hang hang) {
      super(delegate);
      this.hang = hang;
    }

    void block() throws InterruptedIOException {
      try {
        never.await();
      } catch (InterruptedException e) {
        throw new InterruptedIOException("hung document read interrupted");
      }
    }

    @Override
    public InputStream read(Locator where, long offset, long length) throws IOException {
      InputStream real = super.read(where, offset, length);
      if (where.uri().getPath().contains("/blobs/")) {
        return real;
      }
      if (hang == Hang.OPEN) {
        real.close();
        block();
      }
      return new FilterInputStream(real) {
        long delivered;

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          if (delivered >= 8) {
            block();
          }
          int n = super.read(b, off, (int) Math.min(len, 8 - delivered));
          delivered += Math.max(0, n);
          return n;
        }
      };
    }
  }

  @ParameterizedTest
  @EnumSource(Hang.class)
  void aHungManifestOrPointerFallsBackToTheNextTier(Hang hang) throws Exception {
    byte[] content = Releases.random(9, Releases.CHUNK * 2 + 3);
    Releases.write(tmp.resolve("src"), "a.bin", content);
    FileTier replica = Releases.tier(tmp.resolve("replica"), "mirror", TierKind.REPLICA);
    FileTier cloud = Releases.tier(tmp.resolve("cloud"), "cloud", TierKind.CLOUD);
    ManifestSigner signer = ManifestSigner.generate();
    PublishResult release =
        Releases.publisher(signer, List.of(replica, cloud)).publish(tmp.resolve("src"), "d", "1");
    for (Function<PublishResult, URI> address :
        List.<Function<PublishResult, URI>>of(
            PublishResult::manifestUri, PublishResult::latestUri)) {
      try (DatasetClient client =
          DatasetClient.builder()
              .tier(new HangingDocuments(replica, hang))
              .tier(cloud)
              .trust(TrustRoot.of(signer.publicKeyset()))
              .stallTimeout(Duration.ofMillis(300))
              .build()) {
        byte[] got =
            assertTimeoutPreemptively(
                Duration.ofSeconds(30),
                () -> {
                  try (Dataset ds = client.open(address.apply(release))) {
                    assertEquals("1", ds.manifest().version());
                    return Releases.readAll(ds.openShard("a.bin"));
                  }
                });
        assertArrayEquals(content, got);
      }
    }
  }
}
