package io.btfshybrid.core;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An exclusive lock on one cache entry, held while it is filled, across threads (a JVM-wide lock
 * per path) and across processes (an OS lock on a hidden {@code .<sha256>.lock} file beside it). A
 * lock file exists only while its entry is locked: the holder deletes it before releasing, and a
 * locker that finds it locked a file already unlinked tries again. Nested locking of an entry by
 * the thread that holds it succeeds without a second OS lock. A lock taken with {@link
 * #acquireForHandOff} belongs to no thread: any thread may release it (a cache fill that a reader's
 * stream drives, possibly from a read-ahead thread), and no thread nests in it.
 */
final class CacheEntryLock implements Closeable {
  /** Who holds each locked entry in this JVM: a thread, or a hand-off token. Guarded by itself. */
  private static final Map<Path, Object> OWNERS = new HashMap<>();

  private final Path file;
  private final FileChannel channel;
  private final FileLock os;

  private CacheEntryLock(Path file, FileChannel channel, FileLock os) {
    this.file = file;
    this.channel = channel;
    this.os = os;
  }

  /** The lock file of the entry {@code sha256} in {@code dir}. */
  static Path fileFor(Path dir, String sha256) {
    return dir.resolve("." + sha256 + ".lock");
  }

  /** Waits for the entry's lock. */
  static CacheEntryLock acquire(Path lockFile) throws IOException {
    return Objects.requireNonNull(lock(lockFile, Thread.currentThread(), true).orElse(null));
  }

  /** Waits for the entry's lock, held by no thread: any thread may close it. */
  static CacheEntryLock acquireForHandOff(Path lockFile) throws IOException {
    return Objects.requireNonNull(lock(lockFile, new Object(), true).orElse(null));
  }

  /** The entry's lock if nobody holds it now. */
  static Optional<CacheEntryLock> tryAcquire(Path lockFile) throws IOException {
    return lock(lockFile, Thread.currentThread(), false);
  }

  private static Optional<CacheEntryLock> lock(Path lockFile, Object owner, boolean wait)
      throws IOException {
    synchronized (OWNERS) {
      while (true) {
        Object holder = OWNERS.get(lockFile);
        if (holder == null) {
          OWNERS.put(lockFile, owner);
          break;
        }
        if (holder == owner) {
          return Optional.of(new CacheEntryLock(lockFile, null, null)); // nested, this thread
        }
        if (!wait) {
          return Optional.empty();
        }
        try {
          OWNERS.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted waiting for the cache entry " + lockFile);
        }
      }
    }
    return lockOs(lockFile, wait);
  }

  private static void releaseInJvm(Path lockFile) {
    synchronized (OWNERS) {
      OWNERS.remove(lockFile);
      OWNERS.notifyAll();
    }
  }

  private static Optional<CacheEntryLock> lockOs(Path lockFile, boolean wait) throws IOException {
    try {
      while (true) {
        FileChannel channel =
            FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock os = null;
        try {
          os = wait ? channel.lock() : channel.tryLock();
          if (os == null) {
            channel.close();
            releaseInJvm(lockFile);
            return Optional.empty();
          }
          if (sameFile(lockFile)) {
            return Optional.of(new CacheEntryLock(lockFile, channel, os));
          }
        } catch (IOException | RuntimeException e) {
          channel.close();
          throw e;
        }
        channel.close(); // locked a file its holder had already unlinked: try again
      }
    } catch (IOException | RuntimeException e) {
      releaseInJvm(lockFile);
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
      return; // nested: the outer holder releases the OS lock
    }
    try {
      Files.deleteIfExists(file);
      os.release();
    } finally {
      try {
        channel.close();
      } finally {
        releaseInJvm(file);
      }
    }
  }
}
