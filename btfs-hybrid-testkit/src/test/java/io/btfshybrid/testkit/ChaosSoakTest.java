package io.btfshybrid.testkit;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.HybridStorageException;
import io.btfshybrid.api.ShardEntry;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9's chaos soak: random faults (corrupt, truncate, stall, reset, endless body, vanish, 503
 * storm) on every tier of a three-tier release — a {@code FileTier} replica, S3 on the in-process
 * S3 server, BTFS on the node simulator — under thousands of whole-shard, range and random-access
 * reads. It counts wrong bytes delivered, reads that failed although every chunk they touched was
 * good on some tier, reads that hung, and the threads and file descriptors left behind.
 *
 * <p>Faults change only between reads, so for each read the test knows which chunks every tier can
 * serve. Knobs (system properties): {@code soak.reads} (default {@value #DEFAULT_READS}; the full
 * soak is {@code -Dsoak.reads=10000}), {@code soak.seed} (default: random, printed), {@code
 * soak.stallTimeoutMs} (default {@value #DEFAULT_STALL_TIMEOUT_MS}).
 */
@Tag("soak")
class ChaosSoakTest {
  static final int DEFAULT_READS = 300;
  static final long DEFAULT_STALL_TIMEOUT_MS = 500;
  static final int READS = Integer.getInteger("soak.reads", DEFAULT_READS);
  static final long SEED = Long.getLong("soak.seed", System.nanoTime());
  static final Duration STALL_TIMEOUT =
      Duration.ofMillis(Long.getLong("soak.stallTimeoutMs", DEFAULT_STALL_TIMEOUT_MS));

  /**
   * Stall faults are survivable only with the client's stall timeout ({@code
   * DatasetClient.Builder.stallTimeout}, set in {@link SoakRig}); without it every stalled read
   * hangs until the hang guard. {@code false} only to try the rest on a client without it.
   */
  static final boolean STALL_FAULTS = true;

  static final int SHARDS = 4;
  static final long TOTAL_BYTES = SHARDS * 150_001L + 3;
  static final int CHUNK = 16 * 1024;

  /** A read taking longer than this is stuck (a generous guard, far above any stall timeout). */
  static final Duration HANG_GUARD = Duration.ofSeconds(30);

  /** Threads and descriptors the JVM may start or open on its own meanwhile. */
  static final int THREAD_TOLERANCE = 2;

  static final int FD_TOLERANCE = 2;

  @TempDir Path dir;

  @Test
  void randomFaultsOnEveryTierNeverDeliverWrongBytesNorFailAReadThatAGoodCopyCouldServe()
      throws Exception {
    System.out.println(
        "chaos soak: seed " + SEED + " (-Dsoak.seed=" + SEED + "), " + READS + " reads");
    warmUp(); // loads every class and jar once, so the baseline below already holds them
    ResourceSnapshot before = ResourceSnapshot.take();
    Counts counts = new Counts();
    long began = System.nanoTime();
    ExecutorService reader = Executors.newSingleThreadExecutor();
    try (SoakRig rig = rig("soak", SEED)) {
      soak(rig, new SplittableRandom(SEED), READS, reader, counts);
      for (FaultInjectingTier tier : rig.tiers) {
        counts.stallsReleased += tier.stalledReads();
        counts.stalledNow += tier.stalledNow();
        counts.stormAnswers += tier.unavailableAnswers();
        tier.heal();
      }
    } finally {
      reader.shutdownNow();
      reader.awaitTermination(HANG_GUARD.toSeconds(), TimeUnit.SECONDS);
    }
    ResourceSnapshot after = before.afterThreadsSettle(Duration.ofSeconds(10));
    counts.elapsedMillis = (System.nanoTime() - began) / 1_000_000;
    System.out.println(counts.summary(before, after));
    counts.examples.forEach(e -> System.out.println("  " + e));
    assertAll(
        () -> assertEquals(0, counts.wrongBytes, "reads that delivered wrong bytes"),
        () ->
            assertEquals(
                0,
                counts.failedAlthoughGood,
                "reads that failed although every chunk they touched was good on some tier: "
                    + counts.failedAlthoughGoodBy),
        () -> assertEquals(0, counts.untyped, "failures that were not HybridStorageExceptions"),
        () -> assertEquals(0, counts.stuck, "reads that hung past " + HANG_GUARD),
        () -> assertEquals(0, counts.stalledNow, "stalled reads never closed"),
        () ->
            assertEquals(
                0,
                counts.succeededWithoutGoodCopy,
                "the test's model is wrong: reads succeeded that no tier could serve"),
        () ->
            assertTrue(
                after.threadCount() <= before.threadCount() + THREAD_TOLERANCE,
                "threads "
                    + before.threadCount()
                    + " -> "
                    + after.threadCount()
                    + ", new: "
                    + after.threadsSince(before)),
        () ->
            assertTrue(
                after.fds().size() <= before.fds().size() + FD_TOLERANCE,
                "file descriptors "
                    + before.fds().size()
                    + " -> "
                    + after.fds().size()
                    + ", new: "
                    + after.fdsSince(before)));
  }

  /** A short soak on its own rig, counted nowhere: every class is loaded before the baseline. */
  private void warmUp() throws Exception {
    ExecutorService reader = Executors.newSingleThreadExecutor();
    try (SoakRig rig = rig("warm-up", ~SEED)) {
      soak(rig, new SplittableRandom(~SEED), 30, reader, new Counts());
    } finally {
      reader.shutdownNow();
      reader.awaitTermination(HANG_GUARD.toSeconds(), TimeUnit.SECONDS);
    }
  }

  private SoakRig rig(String name, long seed) throws IOException {
    return new SoakRig(dir.resolve(name), SHARDS, TOTAL_BYTES, CHUNK, seed, STALL_TIMEOUT);
  }

  private static void soak(
      SoakRig rig, SplittableRandom random, int reads, ExecutorService reader, Counts counts)
      throws Exception {
    EnumSet<SoakFaults.Kind> kinds = EnumSet.allOf(SoakFaults.Kind.class);
    if (!STALL_FAULTS) {
      kinds.remove(SoakFaults.Kind.STALL);
    }
    SoakFaults faults = new SoakFaults(random.split(), List.copyOf(kinds), 0.55);
    List<ShardEntry> shards = rig.dataset.shards();
    int done = 0;
    while (done < reads) {
      ShardEntry shard = shards.get(random.nextInt(shards.size()));
      BitSet[] bad = faults.schedule(rig.tiers, shard, rig.locators.get(shard.path()));
      byte[] source = rig.bytes.get(shard.path());
      int kind = random.nextInt(3);
      if (kind == 0) {
        counts.whole++;
        check(
            counts,
            bad,
            shard,
            source,
            0,
            source.length,
            run(
                reader,
                counts,
                ops -> {
                  InputStream in = ops.register(rig.dataset.openShard(shard.path()));
                  return readUpTo(in, source.length, ops);
                }));
        done++;
      } else if (kind == 1) {
        counts.ranges++;
        long offset = random.nextLong(source.length + 1L);
        long length = length(random, source.length);
        long end = length < 0 || length > source.length - offset ? source.length : offset + length;
        check(
            counts,
            bad,
            shard,
            source,
            offset,
            end,
            run(
                reader,
                counts,
                ops -> {
                  InputStream in =
                      ops.register(rig.dataset.openShard(shard.path(), offset, length));
                  return readUpTo(in, (int) (end - offset), ops);
                }));
        done++;
      } else {
        done += channelReads(rig, shard, source, bad, random, reader, counts);
      }
    }
    counts.injected = faults.injected();
  }

  /** One channel, one to three random positioned reads on it, each counted as a read. */
  private static int channelReads(
      SoakRig rig,
      ShardEntry shard,
      byte[] source,
      BitSet[] bad,
      SplittableRandom random,
      ExecutorService reader,
      Counts counts)
      throws Exception {
    int ops = 1 + random.nextInt(3);
    long[] positions = new long[ops];
    int[] lengths = new int[ops];
    for (int i = 0; i < ops; i++) {
      positions[i] = random.nextLong(source.length);
      lengths[i] = 1 + random.nextInt(3 * CHUNK);
    }
    AtomicReference<SeekableByteChannel> channel = new AtomicReference<>();
    try {
      for (int i = 0; i < ops; i++) {
        long pos = positions[i];
        int len = lengths[i];
        counts.channelReads++;
        Outcome outcome =
            run(
                reader,
                counts,
                o -> {
                  if (channel.get() == null) {
                    channel.set(rig.dataset.openChannel(shard.path()));
                  }
                  o.register(channel.get());
                  return readAt(channel.get(), pos, len, o);
                });
        long end = Math.min(source.length, pos + len);
        check(counts, bad, shard, source, pos, end, outcome);
        if (outcome.failure != null) {
          return i + 1; // a failed channel is not read again
        }
      }
      return ops;
    } finally {
      if (channel.get() != null) {
        channel.get().close();
      }
    }
  }

  private static long length(SplittableRandom random, int size) {
    return switch (random.nextInt(5)) {
      case 0 -> -1;
      case 1 -> Long.MAX_VALUE;
      case 2 -> random.nextInt(size + 1);
      default -> random.nextInt(3 * CHUNK + 1);
    };
  }

  /**
   * Reads until EOF, or one byte past {@code expected} (so an endless answer is still caught), into
   * {@code ops}, so the bytes delivered before a failure are checked too.
   */
  private static byte[] readUpTo(InputStream in, int expected, Ops ops) throws IOException {
    try (in) {
      byte[] buf = new byte[8192];
      while (ops.delivered.size() <= expected) {
        int n = in.read(buf, 0, Math.min(buf.length, expected + 1 - ops.delivered.size()));
        if (n < 0) {
          break;
        }
        ops.delivered.write(buf, 0, n);
      }
      return ops.delivered();
    }
  }

  private static byte[] readAt(SeekableByteChannel channel, long position, int length, Ops ops)
      throws IOException {
    channel.position(position);
    ByteBuffer buf = ByteBuffer.allocate(length);
    while (buf.hasRemaining()) {
      int before = buf.position();
      int n = channel.read(buf);
      if (n < 0) {
        break;
      }
      ops.delivered.write(buf.array(), before, buf.position() - before);
    }
    return ops.delivered();
  }

  private static void check(
      Counts counts,
      BitSet[] bad,
      ShardEntry shard,
      byte[] source,
      long offset,
      long end,
      Outcome outcome) {
    counts.reads++;
    byte[] expected = Arrays.copyOfRange(source, (int) offset, (int) end);
    byte[] got = outcome.bytes;
    boolean prefix =
        got.length <= expected.length && Arrays.equals(got, 0, got.length, expected, 0, got.length);
    if (!prefix || (outcome.failure == null && got.length != expected.length)) {
      counts.wrongBytes++;
      counts.example(
          "wrong",
          "WRONG BYTES: " + shard.path() + " [" + offset + ", " + end + "): got " + got.length);
    }
    boolean everyChunkGoodSomewhere = everyChunkGoodSomewhere(bad, shard, offset, end);
    if (outcome.failure == null) {
      if (!everyChunkGoodSomewhere) {
        counts.succeededWithoutGoodCopy++;
      }
      return;
    }
    if (!(outcome.failure instanceof HybridStorageException)) {
      counts.untyped++;
    }
    if (everyChunkGoodSomewhere) {
      counts.failedAlthoughGood++;
      counts.failedAlthoughGoodBy.merge(
          outcome.failure.getClass().getSimpleName(), 1, Integer::sum);
      counts.example(
          outcome.failure.getClass().getSimpleName(),
          "failed although good: "
              + shard.path()
              + " ["
              + offset
              + ", "
              + end
              + ") bad chunks on [replica, cloud, btfs] "
              + Arrays.toString(bad)
              + ": "
              + describe(outcome.failure));
    } else {
      counts.failedNoGoodCopy++;
    }
  }

  /** The failure with what each source said (the suppressed exceptions). */
  private static String describe(Throwable failure) {
    StringBuilder out = new StringBuilder(failure.toString());
    for (Throwable source : failure.getSuppressed()) {
      out.append("\n      ").append(source);
    }
    return out.toString();
  }

  private static boolean everyChunkGoodSomewhere(
      BitSet[] bad, ShardEntry shard, long offset, long end) {
    if (end <= offset) {
      return true;
    }
    int first = (int) (offset / shard.chunkSize());
    int last = (int) ((end - 1) / shard.chunkSize());
    for (int c = first; c <= last; c++) {
      boolean good = false;
      for (BitSet tier : bad) {
        good |= !tier.get(c);
      }
      if (!good) {
        return false;
      }
    }
    return true;
  }

  /**
   * Runs one read on the reader thread. A read stuck past the hang guard is counted, and whatever
   * it registered is closed from here so it ends.
   */
  private static Outcome run(ExecutorService reader, Counts counts, ReadTask task)
      throws InterruptedException {
    Ops ops = new Ops();
    Future<byte[]> read =
        reader.submit(
            () -> {
              ops.worker = Thread.currentThread();
              return task.read(ops);
            });
    try {
      return new Outcome(read.get(HANG_GUARD.toMillis(), TimeUnit.MILLISECONDS), null);
    } catch (ExecutionException e) {
      return new Outcome(ops.delivered(), e.getCause());
    } catch (TimeoutException e) {
      counts.stuck++;
      counts.example("stuck", "STUCK past " + HANG_GUARD + " in" + stackOf(ops.worker));
      ops.closeAll();
      read.cancel(true); // if closing did not release it, an interrupt does
      try {
        read.get(HANG_GUARD.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | CancellationException | TimeoutException ended) {
        // it was stuck; how it ended does not matter
      }
      return new Outcome(ops.delivered(), e);
    }
  }

  private static String stackOf(Thread worker) {
    StringBuilder out = new StringBuilder();
    if (worker != null) {
      StackTraceElement[] stack = worker.getStackTrace();
      for (int i = 0; i < Math.min(12, stack.length); i++) {
        out.append("\n      at ").append(stack[i]);
      }
    }
    return out.toString();
  }

  @FunctionalInterface
  private interface ReadTask {
    byte[] read(Ops ops) throws IOException;
  }

  /** What a read opened (closed from outside when it hangs). */
  private static final class Ops {
    private final List<Closeable> opened = new ArrayList<>();
    volatile Thread worker;

    synchronized <T extends Closeable> T register(T c) {
      opened.add(c);
      return c;
    }

    final ByteArrayOutputStream delivered = new ByteArrayOutputStream();

    synchronized byte[] delivered() {
      return delivered.toByteArray();
    }

    synchronized void closeAll() {
      for (Closeable c : opened) {
        try {
          c.close();
        } catch (IOException ignored) {
          // closing to unblock a stuck read; its error is not the point
        }
      }
    }
  }

  private record Outcome(byte[] bytes, Throwable failure) {}

  /** What the soak counted. */
  private static final class Counts {
    long reads;
    long whole;
    long ranges;
    long channelReads;
    long wrongBytes;
    long failedAlthoughGood;
    final Map<String, Integer> failedAlthoughGoodBy = new TreeMap<>();
    long failedNoGoodCopy;
    long succeededWithoutGoodCopy;
    long untyped;
    long stuck;
    long stallsReleased;
    long stalledNow;
    long stormAnswers;
    long elapsedMillis;
    Map<SoakFaults.Kind, Long> injected = Map.of();
    final List<String> examples = new ArrayList<>();

    private final Map<String, Integer> examplesBy = new TreeMap<>();

    /** Keeps the first two examples of each {@code kind} of bad outcome. */
    void example(String kind, String line) {
      if (examplesBy.merge(kind, 1, Integer::sum) <= 2) {
        examples.add(line);
      }
    }

    String summary(ResourceSnapshot before, ResourceSnapshot after) {
      return "CHAOS SOAK seed="
          + SEED
          + " reads="
          + reads
          + " (whole="
          + whole
          + " range="
          + ranges
          + " channel="
          + channelReads
          + ") faults="
          + injected
          + " stallFaults="
          + STALL_FAULTS
          + " wrongBytes="
          + wrongBytes
          + " failedAlthoughGood="
          + failedAlthoughGood
          + failedAlthoughGoodBy
          + " failedNoGoodCopy="
          + failedNoGoodCopy
          + " succeededWithoutGoodCopy="
          + succeededWithoutGoodCopy
          + " untypedFailures="
          + untyped
          + " stuck="
          + stuck
          + " stallsReleased="
          + stallsReleased
          + " stalledNow="
          + stalledNow
          + " stormAnswers="
          + stormAnswers
          + " threads="
          + before.threadCount()
          + "->"
          + after.threadCount()
          + " fds="
          + before.fds().size()
          + "->"
          + after.fds().size()
          + " elapsed="
          + elapsedMillis
          + "ms";
    }
  }
}
