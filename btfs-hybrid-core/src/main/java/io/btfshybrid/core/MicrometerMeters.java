package io.btfshybrid.core;

import io.btfshybrid.api.DatasetManifest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link Meters} in a Micrometer registry; the only class of core that refers to Micrometer, loaded
 * only when a registry was given. Meters are registered on first use and kept, so the hot path (one
 * call per verified chunk) is a map lookup and an add.
 */
final class MicrometerMeters implements Meters {
  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> copies = new ConcurrentHashMap<>();

  private MicrometerMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  static Meters of(Object registry) {
    return new MicrometerMeters((MeterRegistry) registry);
  }

  private Counter counter(String name, String unit, String... tags) {
    return counters.computeIfAbsent(
        name + Tags.of(tags),
        k -> Counter.builder(name).baseUnit(unit).tags(tags).register(registry));
  }

  private Timer timer(String name, String... tags) {
    return timers.computeIfAbsent(
        name + Tags.of(tags), k -> Timer.builder(name).tags(tags).register(registry));
  }

  @Override
  public void served(String sourceId, int bytes, long nanos) {
    counter("btfs.read.bytes", "bytes", "tier", sourceId).increment((double) bytes);
    timer("btfs.read.chunk.latency", "tier", sourceId).record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void firstByte(String sourceId, long nanos) {
    timer("btfs.read.first.byte", "tier", sourceId).record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void failed(String sourceId, Throwable cause, boolean integrity) {
    String reason =
        integrity ? "integrity" : cause instanceof SourceStalledException ? "stall" : "error";
    counter("btfs.read.fallbacks", null, "tier", sourceId, "reason", reason).increment();
    if (integrity) {
      counter("btfs.read.integrity.failures", null, "tier", sourceId).increment();
    }
  }

  @Override
  public void cache(DiskCache cache) {
    FunctionCounter.builder("btfs.cache.hits", cache, DiskCache::hits).register(registry);
    FunctionCounter.builder("btfs.cache.misses", cache, DiskCache::fills).register(registry);
    FunctionCounter.builder("btfs.cache.errors", cache, DiskCache::errors).register(registry);
  }

  @Override
  public void authorizationFailure(String reason) {
    counter("btfs.authorization.failures", null, "reason", reason).increment();
  }

  @Override
  public void manifestRejected(String reason) {
    counter("btfs.manifest.rejections", null, "reason", reason).increment();
  }

  @Override
  public void stored(String tierId, long bytes, long nanos) {
    counter("btfs.publish.bytes", "bytes", "tier", tierId).increment((double) bytes);
    timer("btfs.publish.latency", "tier", tierId).record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void reused(String tierId, long bytes) {
    counter("btfs.publish.reused.bytes", "bytes", "tier", tierId).increment((double) bytes);
  }

  @Override
  public void copies(DatasetManifest manifest, int n) {
    String dataset = manifest.datasetId();
    String version = manifest.version();
    copies
        .computeIfAbsent(
            dataset + "@" + version,
            k -> {
              AtomicInteger value = new AtomicInteger();
              Gauge.builder("btfs.release.copies", value, AtomicInteger::get)
                  .tags("dataset", dataset, "version", version)
                  .register(registry);
              return value;
            })
        .set(n);
  }
}
