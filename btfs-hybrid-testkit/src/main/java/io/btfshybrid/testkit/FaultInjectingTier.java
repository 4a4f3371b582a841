package io.btfshybrid.testkit;

import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectInfo;
import io.btfshybrid.api.ObjectNotFoundException;
import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.TierKind;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps a tier (same id, kind, region and locators) to misbehave on purpose — fail, stall, dribble,
 * corrupt, truncate, over-run or lose objects — per object or for all of them, and counts the reads
 * and bytes it served per object.
 *
 * <p>An object is named by its key ({@code blobs/<sha256>}, resolved with the wrapped tier's {@code
 * locate}), by its locator or locator URI, or, on content-addressed tiers, by the URI's authority
 * (the CID). Offsets are offsets in the object, not in one response. Faults compose and stay until
 * {@link #heal()}; every method returns this tier for chaining.
 */
public final class FaultInjectingTier implements StorageTier {
  private static final Logger LOG = LoggerFactory.getLogger(FaultInjectingTier.class);

  private final StorageTier delegate;
  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final ConcurrentMap<URI, ObjectCounters> counters = new ConcurrentHashMap<>();

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

  public FaultInjectingTier failReads(Locator where) {
    return failReads(uriOf(where));
  }

  /** Every read serves bytes before object offset {@code bytes}, then fails with an IOException. */
  public FaultInjectingTier failAfter(long bytes) {
    return addFailAfter(null, bytes);
  }

  /**
   * Reads of this object serve bytes before offset {@code bytes}, then fail with an IOException.
   */
  public FaultInjectingTier failAfter(String keyOrUri, long bytes) {
    return addFailAfter(named(keyOrUri), bytes);
  }

  private FaultInjectingTier addFailAfter(String keyOrUri, long bytes) {
    checkNotNegative("failAfter bytes", bytes);
    return add(keyOrUri, "fail after " + bytes, plan -> plan.failAt = Math.min(plan.failAt, bytes));
  }

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

  public FaultInjectingTier dribble(Locator where, int bytesPerRead, Duration pause) {
    return dribble(uriOf(where), bytesPerRead, pause);
  }

  /** Reads of this object return the byte at {@code offset} XOR 0xFF. */
  public FaultInjectingTier corruptByteAt(String keyOrUri, long offset) {
    checkNotNegative("corrupt offset", offset);
    return add(named(keyOrUri), "corrupt byte " + offset, plan -> plan.corruptAt.add(offset));
  }

  public FaultInjectingTier corruptByteAt(Locator where, long offset) {
    return corruptByteAt(uriOf(where), offset);
  }

  /** This object looks {@code bytes} long: reads end there (early EOF) and stat reports it. */
  public FaultInjectingTier truncateAfter(String keyOrUri, long bytes) {
    checkNotNegative("truncateAfter bytes", bytes);
    return add(
        named(keyOrUri),
        "truncate after " + bytes,
        plan -> plan.truncateAt = Math.min(plan.truncateAt, bytes));
  }

  public FaultInjectingTier truncateAfter(Locator where, long bytes) {
    return truncateAfter(uriOf(where), bytes);
  }

  /** Every response for this object runs {@code count} garbage bytes past what was asked for. */
  public FaultInjectingTier extraBytes(String keyOrUri, int count) {
    checkNotNegative("extra bytes", count);
    return add(named(keyOrUri), count + " extra bytes", plan -> plan.extraBytes += count);
  }

  public FaultInjectingTier extraBytes(Locator where, int count) {
    return extraBytes(uriOf(where), count);
  }

  /** This object is gone: reads throw ObjectNotFoundException and stat is empty. */
  public FaultInjectingTier vanish(String keyOrUri) {
    return add(named(keyOrUri), "vanish", plan -> plan.vanished = true);
  }

  public FaultInjectingTier vanish(Locator where) {
    return vanish(uriOf(where));
  }

  /** Removes every fault; the counters stay. */
  public FaultInjectingTier heal() {
    rules.clear();
    return this;
  }

  /** Removes the faults added for this object (not those added for every object). */
  public FaultInjectingTier heal(String keyOrUri) {
    String name = named(keyOrUri);
    rules.removeIf(r -> name.equals(r.target().keyOrUri()));
    return this;
  }

  public FaultInjectingTier heal(Locator where) {
    return heal(uriOf(where));
  }

  // ---- counters -----------------------------------------------------------------------------

  /** How many reads were opened on this object (including those a fault failed). */
  public long reads(String keyOrUri) {
    return sum(new Target(named(keyOrUri)), true);
  }

  public long reads(Locator where) {
    return reads(uriOf(where));
  }

  /** How many reads were opened on any object. */
  public long reads() {
    return sum(Target.EVERY_OBJECT, true);
  }

  /** How many bytes reads of this object returned (as served, after faults). */
  public long bytesServed(String keyOrUri) {
    return sum(new Target(named(keyOrUri)), false);
  }

  public long bytesServed(Locator where) {
    return bytesServed(uriOf(where));
  }

  /** How many bytes reads of any object returned. */
  public long bytesServed() {
    return sum(Target.EVERY_OBJECT, false);
  }

  /**
   * The reads opened on this object, oldest first (the most recent {@value ObjectCounters#KEPT} are
   * kept).
   */
  public List<Request> requests(String keyOrUri) {
    Target target = new Target(named(keyOrUri));
    List<Request> out = new ArrayList<>();
    counters.forEach(
        (uri, c) -> {
          if (target.matches(new Locator(id(), uri), delegate)) {
            out.addAll(c.requests());
          }
        });
    out.sort(Comparator.comparingLong(Request::sequence));
    return out;
  }

  public List<Request> requests(Locator where) {
    return requests(uriOf(where));
  }

  /** Sets every counter back to zero. */
  public void resetCounters() {
    counters.clear();
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
    ObjectCounters count = counters.computeIfAbsent(where.uri(), u -> new ObjectCounters());
    count.opened(new Request(where.uri(), offset, length));
    FaultPlan plan = planFor(where);
    if (plan.vanished) {
      throw new ObjectNotFoundException(where, "made to vanish by FaultInjectingTier");
    }
    if (plan.failOnOpen) {
      throw new IOException("injected failure opening " + where);
    }
    if (!plan.isEmpty()) {
      LOG.debug("reading {} from offset {} with faults", where, offset);
    }
    return new FaultyStream(delegate.read(where, offset, length), where, offset, plan, count);
  }

  @Override
  public Locator write(String key, InputStream bytes, long size) throws IOException {
    return delegate.write(key, bytes, size);
  }

  @Override
  public Optional<ObjectInfo> stat(Locator where) throws IOException {
    FaultPlan plan = planFor(where);
    if (plan.vanished) {
      return Optional.empty();
    }
    return delegate
        .stat(where)
        .map(
            info ->
                info.size() <= plan.truncateAt
                    ? info
                    : new ObjectInfo(info.locator(), plan.truncateAt, info.lastModified()));
  }

  @Override
  public void delete(Locator where) throws IOException {
    delegate.delete(where);
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

  private FaultInjectingTier add(String keyOrUri, String what, Consumer<FaultPlan> fault) {
    rules.add(new Rule(new Target(keyOrUri), fault));
    LOG.debug("tier '{}': {} for {}", id(), what, keyOrUri == null ? "every object" : keyOrUri);
    return this;
  }

  private FaultPlan planFor(Locator where) {
    FaultPlan plan = new FaultPlan();
    for (Rule rule : rules) {
      if (rule.target().matches(where, delegate)) {
        rule.fault().accept(plan);
      }
    }
    return plan;
  }

  private long sum(Target target, boolean reads) {
    long total = 0;
    for (var e : counters.entrySet()) {
      if (target.matches(new Locator(id(), e.getKey()), delegate)) {
        total += reads ? e.getValue().reads.get() : e.getValue().bytes.get();
      }
    }
    return total;
  }

  private static String named(String keyOrUri) {
    if (keyOrUri == null || keyOrUri.isEmpty()) {
      throw new IllegalArgumentException(
          "an object key or locator URI is needed, was '"
              + keyOrUri
              + "' (use the overload without one for every object)");
    }
    return keyOrUri;
  }

  private static String uriOf(Locator where) {
    return where.uri().toString();
  }

  private static void checkNotNegative(String what, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(what + " must be >= 0, was " + value);
    }
  }

  /**
   * One read opened on this tier: which object, from which offset, how many bytes ({@code -1}: to
   * the end).
   */
  public record Request(URI uri, long offset, long length, long sequence) {
    Request(URI uri, long offset, long length) {
      this(uri, offset, length, SEQUENCE.incrementAndGet());
    }
  }

  private static final AtomicLong SEQUENCE = new AtomicLong();

  private record Rule(Target target, Consumer<FaultPlan> fault) {}
}
