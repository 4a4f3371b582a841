package io.btfshybrid.testkit;

import static io.btfshybrid.testkit.FaultPlan.checkNotNegative;
import static io.btfshybrid.testkit.Target.named;

import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectInfo;
import io.btfshybrid.api.ObjectNotFoundException;
import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.TierChecks;
import io.btfshybrid.api.TierKind;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.ObjLongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps a tier (same id, kind, region and locators) to misbehave on purpose — fail, reset, stall,
 * dribble, corrupt, truncate, over-run, send endless bodies, answer 503 storms or lose objects —
 * per object or for all of them, and counts the reads and bytes it served per object.
 *
 * <p>An object is named by its key ({@code blobs/<sha256>}, resolved with the wrapped tier's {@code
 * locate}), by its locator or locator URI, or, on content-addressed tiers, by the URI's authority
 * (the CID). Offsets are offsets in the object, not in one response. Faults compose and stay until
 * {@link #heal()}; every method returns this tier for chaining. No fault sleeps unless asked to
 * ({@link #delay}, {@link #dribble}): a stalled read waits until its stream is closed.
 */
public final class FaultInjectingTier implements StorageTier {
  private static final Logger LOG = LoggerFactory.getLogger(FaultInjectingTier.class);

  private final StorageTier delegate;
  private final FaultRules rules = new FaultRules();
  private final TierCounters counters = new TierCounters();

  private FaultInjectingTier(StorageTier delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** Wraps {@code tier}; it behaves exactly like {@code tier} until a fault is added. */
  public static FaultInjectingTier wrap(StorageTier tier) {
    return new FaultInjectingTier(tier);
  }

  /** The wrapped tier. */
  public StorageTier delegate() {
    return delegate;
  }

  // ---- faults -------------------------------------------------------------------------------

  /** Every read of every object fails with an IOException when opened. */
  public FaultInjectingTier failReads() {
    return add(null, "fail reads", plan -> plan.failOnOpen = true);
  }

  /** Reads of this object fail with an IOException when opened. */
  public FaultInjectingTier failReads(String keyOrUri) {
    return add(named(keyOrUri), "fail reads", plan -> plan.failOnOpen = true);
  }

  /** Reads of the object at {@code where} fail with an IOException when opened. */
  public FaultInjectingTier failReads(Locator where) {
    return failReads(uriOf(where));
  }

  /**
   * Every read serves bytes before object offset {@code bytes}, then fails with an IOException (a
   * connection reset mid-body).
   */
  public FaultInjectingTier failAfter(long bytes) {
    return addFailAfter(null, bytes);
  }

  /**
   * Reads of this object serve bytes before offset {@code bytes}, then fail with an IOException (a
   * connection reset mid-body).
   */
  public FaultInjectingTier failAfter(String keyOrUri, long bytes) {
    return addFailAfter(named(keyOrUri), bytes);
  }

  private FaultInjectingTier addFailAfter(String keyOrUri, long bytes) {
    checkNotNegative("failAfter bytes", bytes);
    return add(keyOrUri, "fail after " + bytes, plan -> plan.failAt = Math.min(plan.failAt, bytes));
  }

  /** Reads of the object at {@code where} fail at offset {@code bytes}. */
  public FaultInjectingTier failAfter(Locator where, long bytes) {
    return failAfter(uriOf(where), bytes);
  }

  /** Every response waits {@code beforeFirstByte} before its first byte. */
  public FaultInjectingTier delay(Duration beforeFirstByte) {
    return addDelay(null, beforeFirstByte);
  }

  /** Responses for this object wait {@code beforeFirstByte} before their first byte. */
  public FaultInjectingTier delay(String keyOrUri, Duration beforeFirstByte) {
    return addDelay(named(keyOrUri), beforeFirstByte);
  }

  private FaultInjectingTier addDelay(String keyOrUri, Duration beforeFirstByte) {
    checkNotNegative("delay", beforeFirstByte.toNanos());
    return add(keyOrUri, "delay " + beforeFirstByte, plan -> plan.firstByteDelay = beforeFirstByte);
  }

  /** Responses for the object at {@code where} wait before their first byte. */
  public FaultInjectingTier delay(Locator where, Duration beforeFirstByte) {
    return delay(uriOf(where), beforeFirstByte);
  }

  /**
   * Every response dribbles: at most {@code bytesPerRead} bytes per read, each after {@code pause}.
   */
  public FaultInjectingTier dribble(int bytesPerRead, Duration pause) {
    return addDribble(null, bytesPerRead, pause);
  }

  /**
   * Responses for this object dribble: at most {@code bytesPerRead} bytes per read, each after
   * {@code pause}.
   */
  public FaultInjectingTier dribble(String keyOrUri, int bytesPerRead, Duration pause) {
    return addDribble(named(keyOrUri), bytesPerRead, pause);
  }

  private FaultInjectingTier addDribble(String keyOrUri, int bytesPerRead, Duration pause) {
    if (bytesPerRead <= 0) {
      throw new IllegalArgumentException("bytesPerRead must be positive, was " + bytesPerRead);
    }
    checkNotNegative("dribble pause", pause.toNanos());
    return add(
        keyOrUri,
        "dribble " + bytesPerRead + " bytes per " + pause,
        plan -> {
          plan.maxBytesPerRead = Math.min(plan.maxBytesPerRead, bytesPerRead);
          plan.perReadPause = pause;
        });
  }

  /** Responses for the object at {@code where} dribble. */
  public FaultInjectingTier dribble(Locator where, int bytesPerRead, Duration pause) {
    return dribble(uriOf(where), bytesPerRead, pause);
  }

  /** Reads of this object return the byte at {@code offset} XOR 0xFF. */
  public FaultInjectingTier corruptByteAt(String keyOrUri, long offset) {
    return atOffset(keyOrUri, "corrupt byte", offset, (p, at) -> p.corruptAt.add(at));
  }

  /** Reads of the object at {@code where} flip the byte at {@code offset}. */
  public FaultInjectingTier corruptByteAt(Locator where, long offset) {
    return corruptByteAt(uriOf(where), offset);
  }

  /** This object looks {@code bytes} long: reads end there (early EOF) and stat reports it. */
  public FaultInjectingTier truncateAfter(String keyOrUri, long bytes) {
    return atOffset(
        keyOrUri, "truncate after", bytes, (p, at) -> p.truncateAt = Math.min(p.truncateAt, at));
  }

  /** The object at {@code where} looks {@code bytes} long. */
  public FaultInjectingTier truncateAfter(Locator where, long bytes) {
    return truncateAfter(uriOf(where), bytes);
  }

  /** Every response for this object runs {@code count} garbage bytes past what was asked for. */
  public FaultInjectingTier extraBytes(String keyOrUri, int count) {
    checkNotNegative("extra bytes", count);
    return add(named(keyOrUri), count + " extra bytes", plan -> plan.extraBytes += count);
  }

  /** Responses for the object at {@code where} run {@code count} bytes long. */
  public FaultInjectingTier extraBytes(Locator where, int count) {
    return extraBytes(uriOf(where), count);
  }

  /** This object is gone: reads throw ObjectNotFoundException and stat is empty. */
  public FaultInjectingTier vanish(String keyOrUri) {
    return add(named(keyOrUri), "vanish", plan -> plan.vanished = true);
  }

  /** The object at {@code where} is gone. */
  public FaultInjectingTier vanish(Locator where) {
    return vanish(uriOf(where));
  }

  /**
   * Reads of this object stall once they reach object offset {@code offset}: the bytes from there
   * never arrive, and the read blocks (without sleeping) until its stream is closed, e.g. by a
   * caller's stall timeout, or its thread is interrupted; then it fails with an IOException. A
   * request that ends before {@code offset} is served normally.
   */
  public FaultInjectingTier stallAt(String keyOrUri, long offset) {
    return atOffset(keyOrUri, "stall at", offset, (p, at) -> p.stallAt = Math.min(p.stallAt, at));
  }

  /**
   * Reads of this object that reach object offset {@code offset} get an endless body from there:
   * garbage bytes that never end, whatever length was asked for (a server ignoring the range).
   */
  public FaultInjectingTier endlessBodyAt(String keyOrUri, long offset) {
    return atOffset(
        keyOrUri, "endless body from", offset, (p, at) -> p.endlessAt = Math.min(p.endlessAt, at));
  }

  /**
   * Reads of the object at {@code where} stall once they reach {@code offset}; see {@link
   * #stallAt(String, long)}.
   */
  public FaultInjectingTier stallAt(Locator where, long offset) {
    return stallAt(uriOf(where), offset);
  }

  /** Reads of the object at {@code where} get an endless body from {@code offset}. */
  public FaultInjectingTier endlessBodyAt(Locator where, long offset) {
    return endlessBodyAt(uriOf(where), offset);
  }

  /**
   * A 503 storm on every object: the next {@code times} reads and stats fail with a {@link
   * HybridStorageException} "503 Service Unavailable" ({@link Integer#MAX_VALUE}: until healed).
   */
  public FaultInjectingTier unavailable(int times) {
    return add(null, "503 storm of " + times, FaultPlan.storm(times));
  }

  /** A 503 storm on this object: its next {@code times} reads and stats fail as unavailable. */
  public FaultInjectingTier unavailable(String keyOrUri, int times) {
    return add(named(keyOrUri), "503 storm of " + times, FaultPlan.storm(times));
  }

  /** A 503 storm on the object at {@code where} for its next {@code times} reads and stats. */
  public FaultInjectingTier unavailable(Locator where, int times) {
    return unavailable(uriOf(where), times);
  }

  /** Removes every fault; the counters stay. Reads already stalled stay stalled until closed. */
  public FaultInjectingTier heal() {
    rules.clear();
    return this;
  }

  /** Removes the faults added for this object (not those added for every object). */
  public FaultInjectingTier heal(String keyOrUri) {
    rules.clear(named(keyOrUri));
    return this;
  }

  /** Removes the faults added for the object at {@code where}. */
  public FaultInjectingTier heal(Locator where) {
    return heal(uriOf(where));
  }

  // ---- counters -----------------------------------------------------------------------------

  /** How many reads were opened on this object (including those a fault failed). */
  public long reads(String keyOrUri) {
    return counters.sum(new Target(named(keyOrUri)), delegate, true);
  }

  /** How many reads were opened on the object at {@code where}. */
  public long reads(Locator where) {
    return reads(uriOf(where));
  }

  /** How many reads were opened on any object. */
  public long reads() {
    return counters.sum(Target.EVERY_OBJECT, delegate, true);
  }

  /** How many bytes reads of this object returned (as served, after faults). */
  public long bytesServed(String keyOrUri) {
    return counters.sum(new Target(named(keyOrUri)), delegate, false);
  }

  /** How many bytes reads of the object at {@code where} returned. */
  public long bytesServed(Locator where) {
    return bytesServed(uriOf(where));
  }

  /** How many bytes reads of any object returned. */
  public long bytesServed() {
    return counters.sum(Target.EVERY_OBJECT, delegate, false);
  }

  /** How many reads stalled (see {@link #stallAt}). */
  public long stalledReads() {
    return counters.stalled.get();
  }

  /** How many reads are stalled right now: their streams are not closed yet. */
  public long stalledNow() {
    return counters.stalledNow.get();
  }

  /** How many reads and stats a 503 storm failed (see {@link #unavailable(int)}). */
  public long unavailableAnswers() {
    return counters.unavailable.get();
  }

  /**
   * The reads opened on this object, oldest first (the most recent {@value ObjectCounters#KEPT} are
   * kept).
   */
  public List<Request> requests(String keyOrUri) {
    return counters.requests(new Target(named(keyOrUri)), delegate);
  }

  /** The reads opened on the object at {@code where}, oldest first. */
  public List<Request> requests(Locator where) {
    return requests(uriOf(where));
  }

  /** Sets every counter back to zero (not {@link #stalledNow()}, which counts open streams). */
  public void resetCounters() {
    counters.reset();
  }

  // ---- StorageTier --------------------------------------------------------------------------

  @Override
  public String id() {
    return delegate.id();
  }

  @Override
  public TierKind kind() {
    return delegate.kind();
  }

  @Override
  public Optional<String> region() {
    return delegate.region();
  }

  @Override
  public InputStream read(Locator where, long offset, long length) throws IOException {
    TierChecks.own(id(), where);
    TierChecks.range(offset, length);
    ObjectCounters count = counters.opened(where, offset, length);
    FaultPlan plan = rules.planFor(where, delegate);
    if (plan.vanished) {
      throw new ObjectNotFoundException(where, "made to vanish by FaultInjectingTier");
    }
    counters.checkAvailable(plan, where);
    if (plan.failOnOpen) {
      throw new IOException("injected failure opening " + where);
    }
    if (!plan.isEmpty()) {
      LOG.debug("reading {} from offset {} with faults", where, offset);
    }
    return new FaultyStream(
        delegate.read(where, offset, length), where, offset, plan, count, counters);
  }

  /** Writes through to the wrapped tier; no fault applies to writes. */
  @Override
  public Locator write(String key, InputStream bytes, long size) throws IOException {
    return delegate.write(key, bytes, size);
  }

  /** The wrapped tier's conditional create; like {@link #write}, no fault applies. */
  @Override
  public Locator writeNew(String key, InputStream bytes, long size) throws IOException {
    return delegate.writeNew(key, bytes, size);
  }

  @Override
  public Optional<ObjectInfo> stat(Locator where) throws IOException {
    TierChecks.own(id(), where);
    FaultPlan plan = rules.planFor(where, delegate);
    if (plan.vanished) {
      return Optional.empty();
    }
    counters.checkAvailable(plan, where);
    return delegate.stat(where).map(plan::truncate);
  }

  @Override
  public void delete(Locator where) throws IOException {
    delegate.delete(where);
  }

  /**
   * The wrapped tier's listing under the faults: a tier-wide failure ({@link #failReads()}) or
   * unavailability ({@link #unavailable(int)}) fails the listing itself, vanished objects are left
   * out, truncated ones listed shorter.
   */
  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    return FaultyListing.list(delegate, id(), prefix, rules, counters);
  }

  @Override
  public Optional<Locator> locate(String key) {
    return delegate.locate(key);
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }

  @Override
  public String toString() {
    return "FaultInjectingTier[" + delegate + ", " + rules.size() + " faults]";
  }

  // ---- internals ----------------------------------------------------------------------------

  /** A fault at an object offset of the object named {@code keyOrUri}. */
  private FaultInjectingTier atOffset(
      String keyOrUri, String what, long offset, ObjLongConsumer<FaultPlan> fault) {
    checkNotNegative(what + " offset", offset);
    return add(named(keyOrUri), what + " " + offset, plan -> fault.accept(plan, offset));
  }

  private FaultInjectingTier add(String keyOrUri, String what, Consumer<FaultPlan> fault) {
    rules.add(new Target(keyOrUri), fault);
    LOG.debug("tier '{}': {} for {}", id(), what, keyOrUri == null ? "every object" : keyOrUri);
    return this;
  }

  private static String uriOf(Locator where) {
    return where.uri().toString();
  }

  /**
   * One read opened on this tier: which object, from which offset, how many bytes ({@code -1}: to
   * the end).
   */
  public record Request(URI uri, long offset, long length, long sequence) {
    private static final AtomicLong SEQUENCE = new AtomicLong();

    Request(URI uri, long offset, long length) {
      this(uri, offset, length, SEQUENCE.incrementAndGet());
    }
  }
}
