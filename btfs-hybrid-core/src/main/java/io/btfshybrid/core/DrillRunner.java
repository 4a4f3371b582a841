package io.btfshybrid.core;

import io.btfshybrid.api.DatasetManifest;
import io.btfshybrid.api.IntegrityException;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.StorageTier;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Runs one drill: {@code reads} verified reads of a release's stored bytes through the read path
 * (plan by health, per-chunk fallback, stall deadlines) over the drill's switched tiers, with a
 * health tracker of its own so each tier's scorecard covers this drill only. Read {@code i} takes
 * the i-th non-empty shard in turn, whole when it has at most {@value #WINDOW_CHUNKS} chunks, else
 * a window of that many chunks at a position drawn from a fixed seed, so every drill of a release
 * reads the same ranges. Stored bytes need no keys (for an encrypted release, the ciphertext is
 * checked against its chunk hashes); each read's bytes are checked again here, chunk by chunk,
 * independently of the verifier. The drill's health stands still in time (no decay by the clock),
 * so a churn run depends on its seed and on the tiers only; among tiers of one kind, which serves
 * first also depends on their measured latency.
 */
final class DrillRunner {
  static final int WINDOW_CHUNKS = 4;
  private static final long RANGE_SEED = 0x5EED_D211L;
  private static final int MAX_FAILURES_KEPT = 5;

  private final List<StorageTier> tiers;
  private final Clock clock;
  private final StallWatchdog watchdog;

  DrillRunner(List<StorageTier> tiers, Clock clock, StallWatchdog watchdog) {
    this.tiers = tiers;
    this.clock = clock;
    this.watchdog = watchdog;
  }

  /** Counts source failures during one read. */
  private static final class Failures implements VerifiedReadListener {
    long count;

    @Override
    public void served(String sourceId, int bytes, long nanos) {}

    @Override
    public void failed(String sourceId, Throwable cause, boolean integrity) {
      count++;
    }
  }

  DrillReport run(DatasetManifest manifest, Drill drill, int reads) {
    DrillTiers armed = drill.arm(tiers);
    HealthTracker health = new HealthTracker(Clock.fixed(clock.instant(), clock.getZone()));
    ManifestResolver resolver = new ManifestResolver(armed.tiers(), Optional.empty(), health);
    Failures failures = new Failures();
    VerifiedReadListener listener = TeeReads.of(health, failures);
    List<ShardEntry> shards = manifest.shards().stream().filter(s -> s.storedSize() > 0).toList();
    Random ranges = new Random(RANGE_SEED);
    int failed = 0;
    int integrityFailed = 0;
    long bytes = 0;
    long wrong = 0;
    long fallbacks = 0;
    List<String> messages = new ArrayList<>();
    long began = System.nanoTime();
    for (int i = 0; i < reads && !shards.isEmpty(); i++) {
      armed.beforeRead();
      ShardEntry shard = shards.get(i % shards.size());
      int chunks = shard.chunkCount();
      int first = chunks <= WINDOW_CHUNKS ? 0 : ranges.nextInt(chunks - WINDOW_CHUNKS + 1);
      int last = Math.min(chunks, first + WINDOW_CHUNKS);
      failures.count = 0;
      try {
        byte[] got = read(shard, first, last, resolver, listener);
        bytes += got.length;
        wrong += wrongBytes(shard, first, last, got);
        fallbacks += failures.count;
      } catch (IOException e) {
        failed++;
        integrityFailed += e instanceof IntegrityException ? 1 : 0;
        if (messages.size() < MAX_FAILURES_KEPT) {
          messages.add("read " + i + " (down: " + armed.down() + "): " + e.getMessage());
        }
      }
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - began);
    List<TierScorecard> cards = tiers.stream().map(t -> health.scorecard(t.id())).toList();
    return new DrillReport(
        drill.name(),
        shards.isEmpty() ? 0 : reads,
        failed,
        integrityFailed,
        bytes,
        wrong,
        fallbacks,
        elapsed,
        cards,
        messages);
  }

  private byte[] read(
      ShardEntry shard,
      int first,
      int last,
      ManifestResolver resolver,
      VerifiedReadListener listener)
      throws IOException {
    List<ChunkSource> sources = new ArrayList<>();
    resolver.plan(shard).forEach(p -> sources.add(FirstByteTiming.of(ChunkSource.of(p), listener)));
    long from = (long) first * shard.chunkSize();
    long to = Math.min(shard.storedSize(), (long) last * shard.chunkSize());
    try (InputStream in =
        new StreamingVerifier(shard, sources, listener, watchdog).openStream(from, to)) {
      return in.readAllBytes();
    }
  }

  /** Bytes of {@code got} (chunks first..last of the stored object) that are not the manifest's. */
  static long wrongBytes(ShardEntry shard, int first, int last, byte[] got) {
    long expected = Math.min(shard.storedSize(), (long) last * shard.chunkSize());
    expected -= (long) first * shard.chunkSize();
    if (got.length != expected) {
      return got.length;
    }
    MessageDigest digest = Digests.sha256();
    long wrong = 0;
    int offset = 0;
    for (int k = first; k < last; k++) {
      int length = shard.chunkLength(k);
      digest.update(got, offset, length);
      if (!Digests.matches(digest.digest(), shard.chunkHashes().get(k))) {
        wrong += length;
      }
      offset += length;
    }
    return wrong;
  }
}
