package io.btfshybrid.core;

import java.util.SortedMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One source's health: counters of this session, totals carried over from earlier runs, latency
 * distributions (first byte, all along and recent; chunk), a short-lived penalty for errors and a
 * long-lived distrust for wrong bytes. {@link HealthTracker} decides what the numbers mean; this
 * class only keeps them.
 */
final class TierHealth {
  /** Errors add 1 and integrity failures 3 to a penalty that halves every 2 minutes. */
  static final double PENALTY_HALF_LIFE_MILLIS = 120_000;

  /** Each integrity failure adds 1 to a distrust that halves every day, whatever is served. */
  static final double DISTRUST_HALF_LIFE_MILLIS = 86_400_000;

  /** Samples after which the recent first-byte distribution (the hedge delay's) ages. */
  static final long RECENT_SAMPLES = 1024;

  private static final double SUCCESS_DECAY = 0.9;
  private static final double LATENCY_ALPHA = 0.2;

  final AtomicLong bytes = new AtomicLong();
  final AtomicLong chunks = new AtomicLong();
  final AtomicLong errors = new AtomicLong();
  final AtomicLong integrity = new AtomicLong();
  final AtomicLong stalls = new AtomicLong();
  final AtomicLong readNanos = new AtomicLong();
  final LatencyHistogram firstByte = new LatencyHistogram();

  /** The last thousand or so first-byte times, for hedge delays that follow the link as it is. */
  final LatencyHistogram recentFirstByte = new LatencyHistogram(RECENT_SAMPLES);

  final LatencyHistogram chunkLatency = new LatencyHistogram();
  private final Totals carried;
  private double penalty;
  private long penaltyAt;
  private double distrust;
  private long distrustAt;
  private volatile double latencyMillis;
  private long lostRaces; // guarded by this

  TierHealth() {
    this.carried = Totals.ZERO;
  }

  /** Health that continues from a stored state. */
  TierHealth(State s) {
    this.carried = s.totals();
    this.penalty = s.penalty();
    this.penaltyAt = s.penaltyAt();
    this.distrust = s.distrust();
    this.distrustAt = s.distrustAt();
    this.latencyMillis = s.latencyMillis();
    firstByte.add(s.firstByte());
    recentFirstByte.add(s.firstByte()); // aged down to a window: new samples soon outweigh it
    chunkLatency.add(s.chunkLatency());
  }

  /** Hedged requests of this session that lost their race (see {@link #slowerThan}). */
  synchronized long lostRaces() {
    return lostRaces;
  }

  double latencyMillis() {
    return latencyMillis;
  }

  synchronized double penalty(long now) {
    decay(now);
    return penalty;
  }

  synchronized double distrust(long now) {
    decay(now);
    return distrust;
  }

  synchronized void success(long now, long nanos) {
    decay(now);
    penalty *= SUCCESS_DECAY;
    double millis = nanos / 1e6;
    latencyMillis =
        latencyMillis == 0 ? millis : latencyMillis + LATENCY_ALPHA * (millis - latencyMillis);
  }

  /**
   * A request took at least {@code nanos} and was then abandoned: the latency estimate rises to it
   * (never falls), with no success or failure counted.
   */
  synchronized void slowerThan(long nanos) {
    lostRaces++;
    double millis = nanos / 1e6;
    if (millis > latencyMillis) {
      latencyMillis =
          latencyMillis == 0 ? millis : latencyMillis + LATENCY_ALPHA * (millis - latencyMillis);
    }
  }

  synchronized void penalise(long now, boolean integrityFailure) {
    decay(now);
    penalty += integrityFailure ? 3.0 : 1.0;
    if (integrityFailure) {
      distrust += 1.0;
    }
  }

  private void decay(long now) {
    if (penaltyAt != 0 && now > penaltyAt) {
      penalty *= Math.pow(0.5, (now - penaltyAt) / PENALTY_HALF_LIFE_MILLIS);
    }
    if (distrustAt != 0 && now > distrustAt) {
      distrust *= Math.pow(0.5, (now - distrustAt) / DISTRUST_HALF_LIFE_MILLIS);
    }
    penaltyAt = Math.max(penaltyAt, now);
    distrustAt = Math.max(distrustAt, now);
  }

  /** This session's counters only. */
  Totals session() {
    return new Totals(
        bytes.get(), chunks.get(), errors.get(), integrity.get(), stalls.get(), readNanos.get());
  }

  /** Earlier runs' totals plus this session's. */
  Totals lifetime() {
    return carried.plus(session());
  }

  /** Everything worth keeping across runs, decayed to {@code now}. */
  synchronized State state(long now) {
    decay(now);
    return new State(
        lifetime(),
        penalty,
        penaltyAt,
        distrust,
        distrustAt,
        latencyMillis,
        firstByte.buckets(),
        chunkLatency.buckets());
  }

  /** Counters of a source: verified bytes and chunks, failures, and time spent reading chunks. */
  record Totals(long bytes, long chunks, long errors, long integrity, long stalls, long readNanos) {
    static final Totals ZERO = new Totals(0, 0, 0, 0, 0, 0);

    Totals plus(Totals o) {
      return new Totals(
          bytes + o.bytes,
          chunks + o.chunks,
          errors + o.errors,
          integrity + o.integrity,
          stalls + o.stalls,
          readNanos + o.readNanos);
    }
  }

  /** What the state directory keeps of one source. */
  record State(
      Totals totals,
      double penalty,
      long penaltyAt,
      double distrust,
      long distrustAt,
      double latencyMillis,
      SortedMap<Integer, Long> firstByte,
      SortedMap<Integer, Long> chunkLatency) {}
}
