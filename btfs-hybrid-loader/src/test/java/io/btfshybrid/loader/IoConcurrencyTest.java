package io.btfshybrid.loader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectInfo;
import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.TierKind;
import io.btfshybrid.core.DatasetClient;
import io.btfshybrid.core.TrustRoot;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests to the tiers in flight are bounded by {@code ioConcurrency}, not by the read threads;
 * with {@link ShardCache#of}, a shard's whole-shard fetch starts when it enters the window, on a
 * bounded fetch pool, before any batch is asked for.
 */
class IoConcurrencyTest {
  static final int SAMPLES = 30;

  @TempDir Path tmp;

  /** A tier whose reads, once armed, wait for the gate; it counts and names those waiting. */
  static final class GateTier implements StorageTier {
    final StorageTier delegate;
    volatile boolean armed;
    final CountDownLatch gate = new CountDownLatch(1);
    final Semaphore arrived = new Semaphore(0);
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    final List<String> threads = Collections.synchronizedList(new ArrayList<>());
    volatile long wholeFrom = Long.MAX_VALUE; // a request this long or longer reads a shard whole
    final Semaphore wholeArrived = new Semaphore(0);
    final AtomicInteger wholeInFlight = new AtomicInteger();
    final AtomicInteger maxWholeInFlight = new AtomicInteger();

    GateTier(StorageTier delegate) {
      this.delegate = delegate;
    }

    @Override
    public InputStream read(Locator where, long offset, long length) throws IOException {
      if (!armed) {
        return delegate.read(where, offset, length);
      }
      boolean whole = offset == 0 && (length < 0 || length >= wholeFrom);
      maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      if (whole) {
        maxWholeInFlight.accumulateAndGet(wholeInFlight.incrementAndGet(), Math::max);
        wholeArrived.release();
      }
      threads.add(Thread.currentThread().getName());
      arrived.release();
      try {
        gate.await();
        return delegate.read(where, offset, length);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("gate");
      } finally {
        inFlight.decrementAndGet();
        if (whole) {
          wholeInFlight.decrementAndGet();
        }
      }
    }

    @Override
    public String id() {
      return delegate.id();
    }

    @Override
    public TierKind kind() {
      return delegate.kind();
    }

    @Override
    public Locator write(String key, InputStream bytes, long size) throws IOException {
      return delegate.write(key, bytes, size);
    }

    @Override
    public Optional<ObjectInfo> stat(Locator where) throws IOException {
      return delegate.stat(where);
    }

    @Override
    public void delete(Locator where) throws IOException {
      delegate.delete(where);
    }

    @Override
    public Optional<Locator> locate(String key) {
      return delegate.locate(key);
    }
  }

  Fixtures fx;
  GateTier tier;
  String uri;

  DatasetClient client(boolean diskCache) throws IOException {
    fx = new Fixtures(tmp, "mirror");
    uri = fx.publish("p", SAMPLES);
    tier = new GateTier(fx.tiers.get(0));
    DatasetClient.Builder b =
        DatasetClient.builder().tier(tier).trust(TrustRoot.of(fx.signer.publicKeyset()));
    if (diskCache) {
      b.cacheDirectory(tmp.resolve("cache")).cacheMaxBytes(16L << 20);
    }
    return b.build();
  }

  Loader.Builder loader(DatasetClient client, int io) {
    return Loader.builder(client).stream(uri)
        .batchSize(5)
        .seed(3)
        .prefetchSamples(16)
        .readThreads(1)
        .ioConcurrency(io);
  }

  /** Opens the gate and checks every sample of the epoch against the published bytes. */
  void drainExactly(LoaderIterator it) {
    tier.gate.countDown();
    int n = 0;
    while (it.hasNext()) {
      try (SampleBatch b = it.next()) {
        for (Sample s : b) {
          int k = Integer.parseInt(s.key().substring(2));
          assertArrayEquals(Fixtures.content("p", k), LoaderTest.bytes(bytes(s)), s.key());
          n++;
        }
      }
    }
    assertEquals(SAMPLES, n);
  }

  static java.nio.ByteBuffer bytes(Sample s) {
    try {
      return s.bytes();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void ioConcurrencyRequestsAreInFlightAtOnceAndNeverMore() throws IOException {
    try (DatasetClient client = client(false);
        Loader loader = loader(client, 3).build()) {
      tier.armed = true;
      assertTimeoutPreemptively(
          Duration.ofSeconds(30),
          () -> {
            try (LoaderIterator it = loader.iterator(0)) {
              assertTrue(tier.arrived.tryAcquire(3, 30, TimeUnit.SECONDS), "3 requests at once");
              assertEquals(3, tier.inFlight.get(), "with 1 read thread, 3 requests in flight");
              drainExactly(it);
            }
          });
      assertEquals(3, tier.maxInFlight.get(), "never more than ioConcurrency in flight");
    }
  }

  /** Three JSON lines shards of 400 lines, 6 chunks each; returns the lines by shard. */
  List<List<String>> jsonl() throws IOException {
    List<List<String>> shards = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        lines.add(
            "{\"shard\":" + k + ",\"line\":" + i + ",\"pad\":\"" + "x".repeat(i % 90) + "\"}");
      }
      Path file = tmp.resolve("src-j/j/" + k + ".jsonl");
      java.nio.file.Files.createDirectories(file.getParent());
      java.nio.file.Files.writeString(file, String.join("\n", lines));
      shards.add(lines);
    }
    return shards;
  }

  @Test
  void aPinnedShardsFetchStartsWhenItEntersTheWindowOnABoundedFetchPool() throws IOException {
    fx = new Fixtures(tmp, "mirror");
    List<List<String>> lines = jsonl();
    uri =
        io.btfshybrid.core.DatasetPublisher.builder()
            .tiers(fx.tiers)
            .signer(fx.signer)
            .chunkSize(Fixtures.CHUNK)
            .build()
            .publish(tmp.resolve("src-j"), "j", "1.0.0")
            .manifestUri()
            .toString();
    tier = new GateTier(fx.tiers.get(0));
    try (DatasetClient client =
            DatasetClient.builder()
                .tier(tier)
                .trust(TrustRoot.of(fx.signer.publicKeyset()))
                .cacheDirectory(tmp.resolve("cache"))
                .cacheMaxBytes(16L << 20)
                .build();
        Loader loader =
            loader(client, 8).canonicalPartitions(4).cache(ShardCache.of(client)).build()) {
      SampleDataset samples = loader.samples().get(0);
      long smallest = Long.MAX_VALUE;
      for (int k = 0; k < 3; k++) {
        samples.key(k * 400L); // loads the shard's index now, before the gate closes
        smallest = Math.min(smallest, samples.dataset().shards().get(k).storedSize());
      }
      assertTrue(smallest > 2L * Fixtures.CHUNK, "a sample's range is shorter than a shard");
      tier.wholeFrom = smallest;
      tier.armed = true;
      assertTimeoutPreemptively(
          Duration.ofSeconds(30),
          () -> {
            try (LoaderIterator it = loader.iterator(0)) {
              // with 1 read thread, two shards' fetches (a quarter of 8) wait at the gate at once:
              // they started when the shards were pinned, not on a read of their samples
              assertTrue(tier.wholeArrived.tryAcquire(2, 30, TimeUnit.SECONDS), "2 fetches");
              tier.gate.countDown();
              int n = 0;
              while (it.hasNext()) {
                try (SampleBatch b = it.next()) {
                  for (Sample s : b) {
                    int shard = Integer.parseInt(s.shardPath().substring(2, 3));
                    String want = lines.get(shard).get(Integer.parseInt(s.key()));
                    assertEquals(
                        want, java.nio.charset.StandardCharsets.UTF_8.decode(bytes(s)).toString());
                    n++;
                  }
                }
              }
              assertEquals(1200, n);
            }
          });
      assertEquals(2, tier.maxWholeInFlight.get(), "at most 2 whole-shard fetches at once");
      assertTrue(tier.maxInFlight.get() <= 8 + 2, "in flight: " + tier.maxInFlight.get());
      assertTrue(loader.stats().bytesByTier().containsKey("cache"), loader.stats().toString());
    }
  }

  @Test
  void aNonPositiveIoConcurrencyIsRefusedNamingTheValue() throws IOException {
    try (DatasetClient client = client(false)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> loader(client, 0));
      assertTrue(
          e.getMessage().contains("I/O concurrency must be positive, not 0"), e.getMessage());
    }
  }
}
