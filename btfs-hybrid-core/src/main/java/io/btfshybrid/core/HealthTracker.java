package io.btfshybrid.core;

import com.google.common.base.Preconditions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Measures each source's health and decides whether plans rank it among the healthy: a penalty that
 * grows with errors (integrity failures weigh more) and decays with time (half-life 2 minutes) and
 * with successes, plus a distrust that only wrong bytes raise and only time lowers (half-life a
 * day), so a provider that lied stays demoted across restarts. Also keeps latency distributions
 * (time to first byte, per chunk) and a moving average of chunk latency.
 *
 * <p>With a state directory, what it measured is loaded on start and saved ({@link
 * HealthStateFile}) at most every {@link #SAVE_EVERY} of the clock, at once after an integrity
 * failure, and on {@link #save}; a corrupt state file is ignored with a warning.
 */
final class HealthTracker implements VerifiedReadListener {
  static final String CACHE_ID = "cache";

  /** How often, at most, measurements are saved to the state directory while reads go on. */
  static final Duration SAVE_EVERY = Duration.ofSeconds(30);

  private static final double UNHEALTHY_AT = 1.0;

  /** One integrity failure (distrust 1) demotes a source for two days. */
  private static final double DISTRUSTED_AT = 0.25;

  private final Clock clock;
  private final Map<String, TierHealth> byTier = new ConcurrentHashMap<>();
  private final Optional<HealthStateFile> state;
  private volatile long savedAt;

  HealthTracker(Clock clock) {
    this.clock = clock;
    this.state = Optional.empty();
  }

  /** Health that continues from what {@code stateDirectory} remembers, and is saved there. */
  HealthTracker(Clock clock, Path stateDirectory) {
    this(clock, new HealthStateFile(stateDirectory));
  }

  HealthTracker(Clock clock, HealthStateFile file) {
    this.clock = clock;
    this.state = Optional.of(file);
    file.load().forEach((id, s) -> byTier.put(id, new TierHealth(s)));
    this.savedAt = clock.millis();
  }

  private TierHealth of(String tierId) {
    return byTier.computeIfAbsent(tierId, id -> new TierHealth());
  }

  @Override
  public void served(String sourceId, int bytes, long nanos) {
    TierHealth h = of(sourceId);
    h.bytes.addAndGet(bytes);
    h.chunks.incrementAndGet();
    h.readNanos.addAndGet(Math.max(0, nanos));
    h.chunkLatency.record(nanos);
    long now = clock.millis();
    h.success(now, nanos);
    saveIfDue(now, false);
  }

  @Override
  public void firstByte(String sourceId, long nanos) {
    TierHealth h = of(sourceId);
    h.firstByte.record(nanos);
    h.recentFirstByte.record(nanos);
  }

  @Override
  public void lostRace(String sourceId, long nanos) {
    of(sourceId).slowerThan(nanos);
  }

  @Override
  public void failed(String sourceId, Throwable cause, boolean integrity) {
    TierHealth h = of(sourceId);
    (integrity ? h.integrity : h.errors).incrementAndGet();
    if (cause instanceof SourceStalledException) {
      h.stalls.incrementAndGet();
    }
    long now = clock.millis();
    h.penalise(now, integrity);
    saveIfDue(now, integrity);
  }

  boolean healthy(String tierId) {
    TierHealth h = byTier.get(tierId);
    long now = clock.millis();
    return h == null || (h.penalty(now) < UNHEALTHY_AT && h.distrust(now) < DISTRUSTED_AT);
  }

  double latencyMillis(String tierId) {
    TierHealth h = byTier.get(tierId);
    return h == null ? 0 : h.latencyMillis();
  }

  /**
   * The time from asking {@code tierId} for a range until its first byte arrived, below which a
   * fraction {@code q} of its reads fell (within about 6%; earlier runs included when a state
   * directory is used); empty until the tier delivered a first byte. For hedged reads: ask a second
   * source once the first has taken longer than, say, its p95.
   */
  Optional<Duration> firstByteQuantile(String tierId, double q) {
    Preconditions.checkArgument(q >= 0 && q <= 1, "quantile must be within 0..1, was %s", q);
    TierHealth h = byTier.get(tierId);
    return h == null ? Optional.empty() : h.firstByte.quantile(q);
  }

  /**
   * Like {@link #firstByteQuantile} over about the last {@link TierHealth#RECENT_SAMPLES} first
   * bytes only (older ones decay), so a hedge delay follows the link as it is now, not as it was
   * hours or runs ago. Requests cancelled before their first byte (a hedge won) add nothing.
   */
  Optional<Duration> recentFirstByteQuantile(String tierId, double q) {
    Preconditions.checkArgument(q >= 0 && q <= 1, "quantile must be within 0..1, was %s", q);
    TierHealth h = byTier.get(tierId);
    return h == null ? Optional.empty() : h.recentFirstByte.quantile(q);
  }

  /** This client's counters of {@code tierId} (this session only), and whether it is healthy. */
  TierStats stats(String tierId) {
    TierHealth h = of(tierId);
    TierHealth.Totals t = h.session();
    return new TierStats(
        tierId,
        t.bytes(),
        t.chunks(),
        t.errors(),
        t.integrity(),
        h.latencyMillis(),
        healthy(tierId),
        t.stalls());
  }

  /** The stats of every source this session read from, sorted by id. */
  List<TierStats> all() {
    return byTier.entrySet().stream()
        .filter(
            e ->
                !e.getValue().session().equals(TierHealth.Totals.ZERO)
                    || e.getValue().lostRaces() > 0)
        .map(Map.Entry::getKey)
        .sorted()
        .map(this::stats)
        .collect(Collectors.toList());
  }

  /** The scorecard of {@code tierId}, earlier runs included when a state directory is used. */
  TierScorecard scorecard(String tierId) {
    TierHealth h = byTier.getOrDefault(tierId, new TierHealth());
    TierHealth.Totals t = h.lifetime();
    return new TierScorecard(
        tierId,
        t.bytes(),
        t.chunks(),
        t.errors(),
        t.integrity(),
        t.stalls(),
        TierScorecard.Latency.of(h.firstByte),
        TierScorecard.Latency.of(h.chunkLatency),
        t.readNanos() == 0 ? 0 : t.bytes() * 1e9 / t.readNanos(),
        healthy(tierId));
  }

  /** The scorecard of every source measured, sorted by id. */
  List<TierScorecard> scorecards() {
    return byTier.keySet().stream().sorted().map(this::scorecard).collect(Collectors.toList());
  }

  private void saveIfDue(long now, boolean urgent) {
    if (state.isPresent() && (urgent || now - savedAt >= SAVE_EVERY.toMillis())) {
      save();
    }
  }

  /** Saves what was measured to the state directory now (a no-op without one). */
  void save() {
    if (state.isEmpty()) {
      return;
    }
    long now = clock.millis();
    savedAt = now;
    Map<String, TierHealth.State> snapshot = new TreeMap<>();
    byTier.forEach((id, h) -> snapshot.put(id, h.state(now)));
    state.get().save(snapshot, clock.instant());
  }

  /** Why the state directory's file was ignored or could not be written, if so. */
  Optional<String> stateWarning() {
    return state.flatMap(HealthStateFile::warning);
  }
}
