package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.TierKind;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hedged reads never spend more duplicate bytes than their budget, and never deliver a byte twice
 * or out of order. Every replica request holds back its first byte until a cloud request is opened
 * after it (a hedge) or it is closed (a stall timeout), once the first reads built up an allowance:
 * so each hedge races two live requests whose losing one really reads bytes, and a read the budget
 * cannot hedge waits for the stall timeout.
 */
class HedgeBudgetTest {
  static final int CHUNK = 16 * 1024;
  static final int SHARDS = 24;
  static final int WARM = 12;

  @TempDir Path tmp;

  /** Counts cloud opens; replica streams wait for a newer one. */
  static final class Signal {
    private long cloudOpens;

    synchronized void cloudOpened() {
      cloudOpens++;
      notifyAll();
    }

    synchronized long opens() {
      return cloudOpens;
    }

    synchronized void awaitOpenAfter(long seen, FilterInputStream stream, boolean[] closed)
        throws InterruptedIOException {
      while (cloudOpens <= seen && !closed[0]) {
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted before the first byte");
        }
      }
    }

    synchronized void closed(boolean[] closed) {
      closed[0] = true;
      notifyAll();
    }
  }

  @Test
  void duplicateBytesStayWithinTheBudgetAndEveryReadIsExact() throws Exception {
    Path src = tmp.resolve("src");
    List<byte[]> contents = new ArrayList<>();
    for (int i = 0; i < SHARDS; i++) {
      contents.add(Releases.random(100 + i, CHUNK * 4 + i));
      Releases.write(src, String.format("s/%03d.bin", i), contents.get(i));
    }
    FileTier replicaFiles = Releases.tier(tmp.resolve("replica"), "mirror", TierKind.REPLICA);
    FileTier cloudFiles = Releases.tier(tmp.resolve("cloud"), "cloud", TierKind.CLOUD);
    ManifestSigner signer = ManifestSigner.generate();
    PublishResult release =
        DatasetPublisher.builder()
            .tiers(List.of(replicaFiles, cloudFiles))
            .signer(signer)
            .chunkSize(CHUNK)
            .build()
            .publish(src, "h", "1");
    Signal signal = new Signal();
    AtomicBoolean gating = new AtomicBoolean();
    ForwardingTier cloud =
        new ForwardingTier(cloudFiles) {
          @Override
          public InputStream read(Locator where, long offset, long length) throws IOException {
            InputStream in = super.read(where, offset, length);
            signal.cloudOpened();
            return in;
          }
        };
    ForwardingTier replica =
        new ForwardingTier(replicaFiles) {
          @Override
          public InputStream read(Locator where, long offset, long length) throws IOException {
            long seen = signal.opens();
            boolean[] closed = {false};
            return new FilterInputStream(super.read(where, offset, length)) {
              boolean started;

              @Override
              public int read(byte[] b, int off, int len) throws IOException {
                if (!started && gating.get()) {
                  signal.awaitOpenAfter(seen, this, closed);
                  started = true;
                }
                return super.read(b, off, len);
              }

              @Override
              public void close() throws IOException {
                signal.closed(closed);
                super.close();
              }
            };
          }
        };
    try (DatasetClient client =
            DatasetClient.builder()
                .tier(replica)
                .tier(cloud)
                .trust(TrustRoot.of(signer.publicKeyset()))
                .hedgeDelay(Duration.ofMillis(1), Duration.ofMillis(1))
                .hedgeBudget(0.05)
                .stallTimeout(Duration.ofMillis(150))
                .build();
        Dataset ds = client.open(release.manifestUri())) {
      assertTimeoutPreemptively(
          Duration.ofSeconds(30),
          () -> {
            for (int i = 0; i < SHARDS; i++) {
              gating.set(i >= WARM); // the first reads build up the allowance
              ShardEntry shard = ds.shards().get(i);
              assertArrayEquals(contents.get(i), Releases.readAll(ds.openShard(shard.path())));
            }
          });
      HedgeBudget budget = client.hedgeBudget();
      assertTrue(budget.hedges() >= 1, "some reads were hedged: " + budget.hedges());
      assertTrue(
          budget.duplicateBytes() <= 0.05 * budget.servedBytes(),
          "duplicates " + budget.duplicateBytes() + " of " + budget.servedBytes() + " served");
      long total = 0;
      for (byte[] c : contents) {
        total += c.length;
      }
      assertTrue(budget.servedBytes() >= total, "every byte was served verified at least once");
    }
    assertTrue(Files.isDirectory(src));
  }
}
