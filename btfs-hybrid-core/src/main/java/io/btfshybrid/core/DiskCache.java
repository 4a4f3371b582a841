package io.btfshybrid.core;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verified shards on local disk, one file per stored object named by its SHA-256, bounded in bytes
 * by a Caffeine weigher index (the least valuable entry out first). Files are written atomically,
 * the index is rebuilt from the directory on start, concurrent fills of one object share one fetch,
 * and a copy found damaged on read is dropped.
 */
final class DiskCache {
  private static final Logger LOG = LoggerFactory.getLogger(DiskCache.class);
  private static final long UNIT = 1024;

  /** Supplies the verified stored bytes of an object to fill the cache with. */
  interface Fetch {
    InputStream open() throws IOException;
  }

  private final Path dir;
  private final long maxBytes;
  private final Cache<String, Long> index;
  private final ConcurrentMap<String, CompletableFuture<Optional<Path>>> inflight =
      new ConcurrentHashMap<>();
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong fills = new AtomicLong();

  DiskCache(Path dir, long maxBytes) throws IOException {
    if (maxBytes < UNIT) {
      throw new IllegalArgumentException("cache size must be at least 1 KiB, was " + maxBytes);
    }
    this.dir = Files.createDirectories(dir).toAbsolutePath();
    this.maxBytes = maxBytes;
    this.index =
        Caffeine.newBuilder()
            .maximumWeight(maxBytes / UNIT)
            .weigher((String key, Long size) -> (int) Math.min(Integer.MAX_VALUE, units(size)))
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

  /** The cached copy of an object, if present. */
  Optional<Path> lookup(String sha256) {
    if (index.getIfPresent(sha256) == null) {
      return Optional.empty();
    }
    Path file = fileFor(sha256);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    hits.incrementAndGet();
    return Optional.of(file);
  }

  /**
   * Fills the cache with an object, once however many threads ask at the same time; empty when the
   * cache declined to keep it (the caller then reads from the tiers).
   */
  Optional<Path> fill(String sha256, long size, Fetch fetch) throws IOException {
    CompletableFuture<Optional<Path>> mine = new CompletableFuture<>();
    CompletableFuture<Optional<Path>> running = inflight.putIfAbsent(sha256, mine);
    if (running != null) {
      return await(running);
    }
    try {
      Optional<Path> present = lookup(sha256);
      if (present.isPresent()) {
        mine.complete(present);
        return present;
      }
      index.put(sha256, size); // reserve room first, so the bound holds while writing
      index.cleanUp();
      Path file = fileFor(sha256);
      try (InputStream in = fetch.open()) {
        AtomicFiles.copy(in, size, file);
      }
      fills.incrementAndGet();
      if (index.getIfPresent(sha256) == null) {
        deleteQuietly(sha256); // the index evicted it at once: keep disk within the bound
        mine.complete(Optional.empty());
        return Optional.empty();
      }
      Optional<Path> result = Optional.of(file);
      mine.complete(result);
      return result;
    } catch (IOException | RuntimeException e) {
      index.invalidate(sha256);
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inflight.remove(sha256, mine);
    }
  }

  private static Optional<Path> await(CompletableFuture<Optional<Path>> running)
      throws IOException {
    try {
      return running.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException("cache fill failed", e.getCause());
    }
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

  private void deleteQuietly(String sha256) {
    try {
      Files.deleteIfExists(fileFor(sha256));
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
          Files.deleteIfExists(f);
        }
      }
    }
    entries.sort(Comparator.comparing(DiskCache::modified));
    for (Path f : entries) {
      index.put(f.getFileName().toString(), Files.size(f));
    }
    index.cleanUp();
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
    Path file = fileFor(sha256);
    return new ChunkSource() {
      @Override
      public String id() {
        return HealthTracker.CACHE_ID;
      }

      @Override
      public InputStream open(long offset, long length) throws IOException {
        java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file);
        ch.position(offset);
        return com.google.common.io.ByteStreams.limit(
            java.nio.channels.Channels.newInputStream(ch), length);
      }

      @Override
      public void corrupted() {
        drop(sha256);
      }
    };
  }
}
