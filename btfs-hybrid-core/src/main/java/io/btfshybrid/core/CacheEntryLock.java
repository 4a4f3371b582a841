package io.btfshybrid.core;

import com.google.common.util.concurrent.Striped;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An exclusive lock on one cache entry, held while it is filled, across threads (a JVM-wide lock
 * per path) and across processes (an OS lock on a hidden {@code .<sha256>.lock} file beside it). A
 * lock file exists only while its entry is locked: the holder deletes it before releasing, and a
 * locker that finds it locked a file already unlinked tries again. Nested locking of an entry by
 * the thread that holds it succeeds without a second OS lock.
 */
final class CacheEntryLock implements Closeable {
  private static final Striped<Lock> IN_JVM = Striped.lock(64);
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  private final Path file;
  private final ReentrantLock jvm;
  private final FileChannel channel;
  private final FileLock os;

  private CacheEntryLock(Path file, ReentrantLock jvm, FileChannel channel, FileLock os) {
    this.file = file;
    this.jvm = jvm;
    this.channel = channel;
    this.os = os;
  }

  /** The lock file of the entry {@code sha256} in {@code dir}. */
  static Path fileFor(Path dir, String sha256) {
    return dir.resolve("." + sha256 + ".lock");
  }

  /** Waits for the entry's lock. */
  static CacheEntryLock acquire(Path lockFile) throws IOException {
    ReentrantLock jvm = (ReentrantLock) IN_JVM.get(lockFile);
    jvm.lock();
    return Objects.requireNonNull(lockOs(lockFile, jvm, true).orElse(null));
  }

  /** The entry's lock if nobody holds it now. */
  static Optional<CacheEntryLock> tryAcquire(Path lockFile) throws IOException {
    ReentrantLock jvm = (ReentrantLock) IN_JVM.get(lockFile);
    if (!jvm.tryLock()) {
      return Optional.empty();
    }
    return lockOs(lockFile, jvm, false);
  }

  private static Optional<CacheEntryLock> lockOs(Path lockFile, ReentrantLock jvm, boolean wait)
      throws IOException {
    try {
      if (HELD.contains(lockFile)) {
        return Optional.of(new CacheEntryLock(lockFile, jvm, null, null)); // nested, this thread
      }
      while (true) {
        FileChannel channel =
            FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock os = null;
        try {
          os = wait ? channel.lock() : channel.tryLock();
          if (os == null) {
            channel.close();
            jvm.unlock();
            return Optional.empty();
          }
          if (sameFile(lockFile)) {
            HELD.add(lockFile);
            return Optional.of(new CacheEntryLock(lockFile, jvm, channel, os));
          }
        } catch (IOException | RuntimeException e) {
          channel.close();
          throw e;
        }
        channel.close(); // locked a file its holder had already unlinked: try again
      }
    } catch (IOException | RuntimeException e) {
      jvm.unlock();
      throw e;
    }
  }

  /**
   * Whether the locked file is still the entry's lock file: its holder deletes it before releasing,
   * so a locker that waited on it finds it gone and tries again. (A newcomer that created the file
   * anew in the instant between can still overlap with such a waiter; the worst outcome is that one
   * of two fills of the same verified bytes fails, and that read then goes uncached.)
   */
  private static boolean sameFile(Path lockFile) {
    return Files.exists(lockFile);
  }

  @Override
  public void close() throws IOException {
    if (channel == null) {
      jvm.unlock(); // nested: the outer holder releases the OS lock
      return;
    }
    try {
      HELD.remove(file);
      Files.deleteIfExists(file);
      os.release();
    } finally {
      channel.close();
      jvm.unlock();
    }
  }
}
