package io.btfshybrid.core;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verified shards on local disk, one file per stored object named by its SHA-256, bounded in bytes
 * by a Caffeine weigher index (the least valuable entry out first). Files are written atomically,
 * the index is rebuilt from the directory on start, concurrent fills of one object share one fetch
 * (across processes too: a per-entry {@link CacheEntryLock}, so no instance deletes another's
 * in-flight fill), a copy found damaged or of the wrong size is dropped and fetched again, and a
 * cache that cannot write degrades to uncached verified reads instead of failing them.
 */
final class DiskCache {
  private static final Logger LOG = LoggerFactory.getLogger(DiskCache.class);
  private static final long UNIT = 1024;

  /** How long a read waits for another read's fill of the same object before reading uncached. */
  static final Duration WAIT_FOR_FILL = Duration.ofSeconds(30);

  /** Supplies the verified stored bytes of an object to fill the cache with. */
  interface Fetch {
    InputStream open() throws IOException;
  }

  private final Path dir;
  private final long maxBytes;
  private final Cache<String, Long> index;
  private final ConcurrentMap<String, InFlight> inflight = new ConcurrentHashMap<>();
  private volatile Executor writer = Runnable::run;
  private volatile ChunkBuffers buffers = new ChunkBuffers();
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong fills = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();

  /** Pin counts per object; a pinned object weighs nothing in the index, so it is never evicted. */
  private final ConcurrentMap<String, Integer> pins = new ConcurrentHashMap<>();

  /** Units of pinned objects, taken off the index's maximum so disk use stays in the bound. */
  private long pinnedUnits; // guarded by pins

  DiskCache(Path dir, long maxBytes) throws IOException {
    if (maxBytes < UNIT) {
      throw new IllegalArgumentException("cache size must be at least 1 KiB, was " + maxBytes);
    }
    this.dir = Files.createDirectories(dir).toAbsolutePath();
    this.maxBytes = maxBytes;
    this.index =
        Caffeine.newBuilder()
            .maximumWeight(maxBytes / UNIT)
            .weigher((String key, Long size) -> pins.containsKey(key) ? 0 : weight(size))
            .executor(Runnable::run)
            .removalListener(
                (String key, Long size, RemovalCause cause) -> {
                  if (cause != RemovalCause.REPLACED) {
                    deleteQuietly(key);
                  }
                })
            .build();
    rebuild();
  }

  private static int weight(long size) {
    return (int) Math.min(Integer.MAX_VALUE, units(size));
  }

  private static long units(long size) {
    return Math.max(1, (size + UNIT - 1) / UNIT);
  }

  /** Whether an object of {@code size} bytes may be cached (at most half the cache). */
  boolean accepts(long size) {
    return size > 0 && units(size) <= maxBytes / UNIT / 2;
  }

  Path fileFor(String sha256) {
    return dir.resolve(sha256);
  }

  /** The cached copy of an object, if present and whole; a copy of the wrong size is dropped. */
  Optional<Path> lookup(String sha256, long size) {
    if (index.getIfPresent(sha256) == null) {
      return Optional.empty();
    }
    Path file = fileFor(sha256);
    long onDisk;
    try {
      onDisk = Files.isRegularFile(file) ? Files.size(file) : -1;
    } catch (IOException e) {
      onDisk = -1;
    }
    if (onDisk >= 0 && onDisk != size) {
      drop(sha256); // truncated (or grown): files land whole by rename, so this one is damaged
    }
    if (onDisk != size) {
      return Optional.empty(); // absent: not filled yet (the index may hold a fill's reservation)
    }
    hits.incrementAndGet();
    return Optional.of(file);
  }

  /** A fill running in this JVM: the thread that claimed it, and what it produced. */
  record InFlight(Thread owner, CompletableFuture<Optional<Path>> result) {}

  /**
   * What {@link #claim} found: a whole cached copy, a fill the caller now drives (by handing it
   * every verified chunk in order), or neither (the caller reads uncached).
   */
  record Claim(Optional<Path> cached, Optional<CacheFill> fill) {
    static final Claim NEITHER = new Claim(Optional.empty(), Optional.empty());

    static Claim cached(Path file) {
      return new Claim(Optional.of(file), Optional.empty());
    }
  }

  /**
   * The cached copy of an object, or the right to fill it: one fill at a time however many threads
   * (or processes sharing the directory) ask; the others wait for it (a while at most) and then use
   * what it stored. Failures of the cache (disk full, read-only, a vanished directory) are counted
   * and logged once, and the caller reads uncached.
   */
  Claim claim(String sha256, long size) throws IOException {
    for (int round = 0; round < 3; round++) {
      Optional<Path> hit = lookup(sha256, size);
      if (hit.isPresent()) {
        return Claim.cached(hit.get());
      }
      InFlight mine = new InFlight(Thread.currentThread(), new CompletableFuture<>());
      InFlight running = inflight.putIfAbsent(sha256, mine);
      if (running == null) {
        return startFill(sha256, size, mine);
      }
      if (running.owner() == Thread.currentThread()) {
        return Claim.NEITHER; // this thread's own read fills it: never wait on ourselves
      }
      Optional<Path> filled = await(running.result());
      if (filled.isPresent()) {
        hits.incrementAndGet();
        return Claim.cached(filled.get());
      }
      // that fill ended without an entry (closed early, failed): try again
    }
    return Claim.NEITHER;
  }

  private Claim startFill(String sha256, long size, InFlight mine) {
    CacheEntryLock held = null;
    try {
      held = CacheEntryLock.acquireForHandOff(CacheEntryLock.fileFor(dir, sha256));
      Path file = fileFor(sha256);
      if (Files.isRegularFile(file) && Files.size(file) == size) {
        index.put(sha256, size); // another process filled it while we waited for the lock
        hits.incrementAndGet();
        held.close();
        fillEnded(sha256, mine, Optional.of(file));
        return Claim.cached(file);
      }
      index.put(sha256, size); // reserve room first, so the bound holds while writing
      index.cleanUp();
      return new Claim(
          Optional.empty(), Optional.of(CacheFill.start(this, sha256, size, file, held, mine)));
    } catch (IOException | RuntimeException e) {
      if (held != null) {
        try {
          held.close();
        } catch (IOException closing) {
          e.addSuppressed(closing);
        }
      }
      forget(sha256);
      cacheFailed(sha256, e);
      fillEnded(sha256, mine, Optional.empty());
      return Claim.NEITHER;
    }
  }

  /**
   * Fills the cache with an object read whole from {@code fetch} (already verified), unless it is
   * cached or being filled; empty when the cache declined or could not write it.
   */
  Optional<Path> fill(String sha256, long size, Fetch fetch) throws IOException {
    Claim claim = claim(sha256, size);
    if (claim.fill().isEmpty()) {
      return claim.cached();
    }
    return write(claim.fill().get(), fetch);
  }

  /** Drives a claimed {@code fill} with the object read whole from {@code fetch}. */
  Optional<Path> write(CacheFill fill, Fetch fetch) throws IOException {
    try (InputStream in = fetch.open()) {
      byte[] buf = new byte[64 << 10];
      for (int n; (n = in.readNBytes(buf, 0, buf.length)) > 0; ) {
        fill.accept(ByteBuffer.wrap(buf, 0, n));
      }
    } catch (IOException | RuntimeException e) {
      fill.abandon();
      throw e;
    }
    fill.complete();
    return fill.result();
  }

  /** Ends a fill: its waiters see {@code result}. */
  void fillEnded(String sha256, InFlight slot, Optional<Path> result) {
    inflight.remove(sha256, slot);
    slot.result().complete(result);
  }

  /** Where fills write their chunks (default: on the reading thread), from which buffers. */
  void writeOn(Executor executor, ChunkBuffers buffers) {
    this.writer = executor;
    this.buffers = buffers;
  }

  Executor writer() {
    return writer;
  }

  /** Where fills take the buffers they queue chunks in, and give them back. */
  ChunkBuffers buffers() {
    return buffers;
  }

  /** Counts an object fetched into the cache. */
  void filled() {
    fills.incrementAndGet();
  }

  /** Whether the index still holds (or reserves room for) {@code sha256}. */
  boolean indexed(String sha256) {
    return index.getIfPresent(sha256) != null;
  }

  /** Gives up the index's room for an entry that will not be stored. */
  void forget(String sha256) {
    index.invalidate(sha256);
  }

  void cacheFailed(String sha256, Exception e) {
    if (errors.getAndIncrement() == 0) {
      LOG.warn(
          "disk cache {} cannot store {} ({}); reading uncached from the tiers (logged once,"
              + " counted in ClientStats.cacheErrors)",
          dir,
          sha256,
          e.toString());
    } else {
      LOG.debug("disk cache {} cannot store {}: {}", dir, sha256, e.toString());
    }
  }

  /** A fill's result, or empty when it takes longer than {@link #WAIT_FOR_FILL}. */
  private static Optional<Path> await(CompletableFuture<Optional<Path>> running)
      throws IOException {
    try {
      return running.get(WAIT_FOR_FILL.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return Optional.empty(); // its reader is slow or idle: read uncached instead of waiting
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted waiting for a cache fill");
    } catch (ExecutionException e) {
      return Optional.empty();
    }
  }

  /**
   * Keeps object {@code sha256} of {@code size} bytes from eviction (whether cached yet or filled
   * later) until {@link #unpin} was called as often; the room it takes is kept off what unpinned
   * objects may use, so the directory stays within the bound. A copy found damaged is still
   * dropped.
   */
  void pin(String sha256, long size) {
    synchronized (pins) {
      if (pins.merge(sha256, 1, Integer::sum) == 1) {
        pinnedUnits += units(size);
        reweigh(sha256);
        resize();
      }
    }
  }

  /** Releases one pin of {@code sha256}; with the last, it may be evicted again. */
  void unpin(String sha256, long size) {
    synchronized (pins) {
      Integer held = pins.get(sha256);
      if (held == null) {
        throw new IllegalStateException("cache entry " + sha256 + " is not pinned");
      }
      if (held > 1) {
        pins.put(sha256, held - 1);
      } else {
        pins.remove(sha256);
        pinnedUnits -= units(size);
        resize();
        reweigh(sha256);
      }
    }
  }

  /** The bound in bytes. */
  long maxBytes() {
    return maxBytes;
  }

  /** How many pins {@code sha256} holds. */
  int pins(String sha256) {
    return pins.getOrDefault(sha256, 0);
  }

  /** Re-inserts an entry so the index weighs it again (pinned: nothing; else its size). */
  private void reweigh(String sha256) {
    index.asMap().computeIfPresent(sha256, (k, size) -> size);
  }

  private void resize() {
    long free = Math.max(0, maxBytes / UNIT - pinnedUnits);
    index.policy().eviction().ifPresent(e -> e.setMaximum(free));
    index.cleanUp();
  }

  /** Drops a copy found damaged, so it is fetched again and never served. */
  void drop(String sha256) {
    LOG.warn("dropping damaged cache entry {}", sha256);
    index.invalidate(sha256);
    deleteQuietly(sha256);
  }

  long hits() {
    return hits.get();
  }

  long fills() {
    return fills.get();
  }

  /** Fills that failed on the cache's side and fell back to uncached reads. */
  long errors() {
    return errors.get();
  }

  /** Bytes of complete objects currently in the cache directory. */
  long sizeOnDisk() throws IOException {
    long total = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        total += Files.size(f);
      }
    }
    return total;
  }

  /** Deletes an entry unless another filler (thread or process) holds it right now. */
  private void deleteQuietly(String sha256) {
    try {
      Optional<CacheEntryLock> held =
          CacheEntryLock.tryAcquire(CacheEntryLock.fileFor(dir, sha256));
      if (held.isEmpty()) {
        return; // being filled elsewhere: its filler owns the file
      }
      try {
        Files.deleteIfExists(fileFor(sha256));
      } finally {
        held.get().close();
      }
    } catch (IOException e) {
      LOG.warn("cannot delete cache file {}: {}", sha256, e.toString());
    }
  }

  /** Re-indexes what a previous run left: complete objects oldest first; partial files deleted. */
  private void rebuild() throws IOException {
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (Digests.isSha256Hex(name) && Files.isRegularFile(f)) {
          entries.add(f);
        } else if (name.endsWith(AtomicFiles.TEMP_SUFFIX)) {
          deleteAbandoned(f, name);
        }
      }
    }
    entries.sort(Comparator.comparing(DiskCache::modified));
    for (Path f : entries) {
      index.put(f.getFileName().toString(), Files.size(f));
    }
    index.cleanUp();
  }

  /** Deletes a partial fill left by a crash, never one another process is writing now. */
  private void deleteAbandoned(Path partial, String name) throws IOException {
    String sha256 = name.length() > 65 ? name.substring(1, 65) : "";
    if (!Digests.isSha256Hex(sha256)) {
      Files.deleteIfExists(partial); // not named by any fill this library starts
      return;
    }
    Optional<CacheEntryLock> held = CacheEntryLock.tryAcquire(CacheEntryLock.fileFor(dir, sha256));
    if (held.isPresent()) {
      try {
        Files.deleteIfExists(partial);
      } finally {
        held.get().close();
      }
    }
  }

  private static java.nio.file.attribute.FileTime modified(Path f) {
    try {
      return Files.readAttributes(f, BasicFileAttributes.class).lastModifiedTime();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A read source over the cached copy; a hash mismatch drops the copy. */
  ChunkSource source(String sha256) {
    return new CacheSource(this, sha256);
  }
}
