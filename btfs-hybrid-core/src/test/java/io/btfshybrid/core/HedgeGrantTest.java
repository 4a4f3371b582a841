package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.TierKind;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hedge is started whatever room the duplicate-byte budget has, and its race keeps the bytes both
 * requests read within what the budget granted. The tiers hold their bytes on conditions (no
 * sleeps): the replica's first byte waits for the cloud to be asked (so every gated read is
 * hedged), and the stall timeout is long enough that a read left unhedged would hang the test.
 */
class HedgeGrantTest {
  static final int CHUNK = 16 * 1024;

  @TempDir Path tmp;

  private final Gate gate = new Gate();
  private final List<byte[]> contents = new ArrayList<>();
  private ForwardingTier replica;
  private ForwardingTier cloud;
  private ManifestSigner signer;
  private PublishResult release;

  /** What the tiers do: warm up, stall the replica, or let both answer the same chunk. */
  enum Phase {
    WARM,
    STALL,
    BOTH
  }

  /** The tiers' shared state; every change wakes the streams waiting on it. */
  static final class Gate {
    Phase phase = Phase.WARM;
    long cloudOpens;
    long replicaBytes;
    long cloudBytes;
    boolean cloudClosed;
    long limit = Long.MAX_VALUE;

    synchronized void phase(Phase p) {
      phase = p;
      cloudOpens = 0;
      replicaBytes = 0;
      cloudBytes = 0;
      cloudClosed = false;
      notifyAll();
    }

    synchronized Phase phase() {
      return phase;
    }

    synchronized void change(Runnable r) {
      r.run();
      notifyAll();
    }

    synchronized void await(BooleanSupplier ready) throws InterruptedIOException {
      while (!ready.getAsBoolean()) {
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted at the gate");
        }
      }
    }
  }

  /** A stream of one tier that holds bytes on the gate's conditions and counts what it served. */
  abstract class Held extends FilterInputStream {
    boolean closed; // guarded by gate
    long position;

    Held(InputStream in) {
      super(in);
    }

    /** How many of {@code len} bytes may be read now (after waiting on the gate); 0: closed. */
    abstract int allowed(int len) throws IOException;

    abstract void served(int n);

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = allowed(len);
      if (n == 0) {
        throw new IOException("closed while held");
      }
      int got = super.read(b, off, n);
      if (got > 0) {
        position += got;
        gate.change(() -> served(got));
      }
      return got;
    }

    @Override
    public void close() throws IOException {
      gate.change(() -> closed = true);
      super.close();
    }
  }

  @BeforeEach
  void publish() throws IOException {
    Path src = tmp.resolve("src");
    for (int i = 0; i < 6; i++) {
      contents.add(Releases.random(40 + i, i == 5 ? 4 * CHUNK : CHUNK));
      Releases.write(src, String.format("s/%02d.bin", i), contents.get(i));
    }
    FileTier replicaFiles = Releases.tier(tmp.resolve("replica"), "mirror", TierKind.REPLICA);
    FileTier cloudFiles = Releases.tier(tmp.resolve("cloud"), "cloud", TierKind.CLOUD);
    signer = ManifestSigner.generate();
    release =
        DatasetPublisher.builder()
            .tiers(List.of(replicaFiles, cloudFiles))
            .signer(signer)
            .chunkSize(CHUNK)
            .build()
            .publish(src, "g", "1");
    replica =
        new ForwardingTier(replicaFiles) {
          @Override
          public InputStream read(Locator where, long offset, long length) throws IOException {
            return new Held(super.read(where, offset, length)) {
              @Override
              int allowed(int len) throws IOException {
                Phase p = gate.phase();
                if (p == Phase.STALL) {
                  gate.await(() -> closed);
                  return 0;
                }
                if (p == Phase.BOTH) {
                  gate.await(() -> closed || gate.cloudOpens > 0);
                  if (position + len < CHUNK) {
                    return closed ? 0 : len;
                  }
                  if (position < CHUNK - 1) {
                    return (int) (CHUNK - 1 - position); // all but the last byte
                  }
                  // the last byte once the cloud was stopped (or read past the limit)
                  gate.await(() -> closed || gate.cloudClosed || gate.cloudBytes > gate.limit);
                }
                return len;
              }

              @Override
              void served(int n) {
                gate.replicaBytes += n;
              }
            };
          }
        };
    cloud =
        new ForwardingTier(cloudFiles) {
          @Override
          public InputStream read(Locator where, long offset, long length) throws IOException {
            InputStream in = super.read(where, offset, length);
            gate.change(() -> gate.cloudOpens++);
            return new Held(in) {
              @Override
              int allowed(int len) throws IOException {
                Phase p = gate.phase();
                if (p == Phase.WARM) {
                  gate.await(() -> closed); // a hedge of a warm-up read never wins
                  return 0;
                }
                if (p == Phase.BOTH) {
                  gate.await(() -> closed || gate.replicaBytes > 0);
                }
                return closed ? 0 : len;
              }

              @Override
              void served(int n) {
                gate.cloudBytes += n;
              }

              @Override
              public void close() throws IOException {
                gate.change(() -> gate.cloudClosed = true);
                super.close();
              }
            };
          }
        };
  }

  private DatasetClient client() throws IOException {
    return DatasetClient.builder()
        .tier(replica)
        .tier(cloud)
        .trust(TrustRoot.of(signer.publicKeyset()))
        .hedgeDelay(Duration.ofMillis(1), Duration.ofMillis(1))
        .hedgeBudget(0.05)
        .stallTimeout(Duration.ofMinutes(5))
        .build();
  }

  @Test
  void aStalledFirstReadIsHedgedThoughNothingWasServedYet() throws Exception {
    try (DatasetClient client = client();
        Dataset ds = client.open(release.manifestUri())) {
      gate.phase(Phase.STALL);
      ShardEntry shard = ds.shards().get(5);
      assertTimeoutPreemptively(
          Duration.ofSeconds(30),
          () -> assertArrayEquals(contents.get(5), Releases.readAll(ds.openShard(shard.path()))));
      HedgeBudget budget = client.hedgeBudget();
      assertEquals(1, budget.hedges(), "the stalled request was hedged with an empty allowance");
      assertEquals(0, budget.duplicateBytes(), "the stalled replica sent no byte twice");
      assertEquals(0, gate.replicaBytes);
      assertEquals(4L * CHUNK, gate.cloudBytes, "the cloud served the shard once, in order");
    }
  }

  @Test
  void bothRequestsReadTheSameBytesOnlyUpToTheGrant() throws Exception {
    try (DatasetClient client = client();
        Dataset ds = client.open(release.manifestUri())) {
      for (int i = 0; i < 4; i++) { // builds a small allowance: 5% of 4 chunks
        ShardEntry s = ds.shards().get(i);
        assertArrayEquals(contents.get(i), Releases.readAll(ds.openShard(s.path())));
      }
      HedgeBudget budget = client.hedgeBudget();
      long spentBefore = budget.duplicateBytes();
      long room = (long) Math.floor(0.05 * budget.servedBytes()) - spentBefore;
      assertTrue(room > 0 && room < CHUNK, "the allowance is less than a chunk: " + room);
      gate.change(() -> gate.limit = room);
      gate.phase(Phase.BOTH);
      ShardEntry shard = ds.shards().get(4);
      assertTimeoutPreemptively(
          Duration.ofSeconds(30),
          () -> assertArrayEquals(contents.get(4), Releases.readAll(ds.openShard(shard.path()))));
      assertTrue(gate.cloudBytes > 0, "both requests read bytes of the chunk");
      assertEquals(CHUNK, Math.max(gate.cloudBytes, gate.replicaBytes), "one answer was whole");
      long common = Math.min(gate.cloudBytes, gate.replicaBytes);
      assertTrue(common <= room, "bytes read twice " + common + " within the grant " + room);
      assertTrue(budget.duplicateBytes() - spentBefore <= room, "spent within the grant");
      assertTrue(
          budget.duplicateBytes() <= 0.05 * budget.servedBytes(),
          budget.duplicateBytes() + " of " + budget.servedBytes());
      assertEquals(0, client.stats().source("cloud").errors(), "a stop is not the cloud's fault");
    }
  }
}
