package io.btfshybrid.core;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cache entry being filled by the read that verifies it: each verified chunk is appended to a
 * private temp sibling (by the cache's writer thread, a bounded queue behind the reader, from
 * direct buffers it reuses, so the JDK copies no chunk again on its way to the file), and only a
 * complete entry is published, by atomic rename, while the entry's {@link CacheEntryLock} is held
 * (taken for hand-off: whichever thread ends the read releases it). A read that fails or is closed
 * early leaves no entry; a cache that cannot write stops writing, counts the error and lets the
 * read go on uncached.
 */
final class CacheFill implements ChunkSink {
  private static final Logger LOG = LoggerFactory.getLogger(CacheFill.class);

  private final DiskCache cache;
  private final String sha256;
  private final long size;
  private final Path target;
  private final Path temp;
  private final CacheEntryLock lock;
  private final DiskCache.InFlight slot;

  /** Bytes of chunks queued for the writer beyond which a reader waits for it. */
  static final long MAX_QUEUED_BYTES = 16L << 20;

  private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
  private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>(); // written buffers, for reuse
  private long queuedBytes;
  private boolean writing;
  private FileChannel channel;
  private long written;
  private boolean ended;
  private Optional<Path> result = Optional.empty();

  private CacheFill(
      DiskCache cache,
      String sha256,
      long size,
      Path target,
      Path temp,
      FileChannel channel,
      CacheEntryLock lock,
      DiskCache.InFlight slot) {
    this.cache = cache;
    this.sha256 = sha256;
    this.size = size;
    this.target = target;
    this.temp = temp;
    this.channel = channel;
    this.lock = lock;
    this.slot = slot;
  }

  /** Starts filling {@code target}; the caller holds {@code lock} and hands it over. */
  static CacheFill start(
      DiskCache cache,
      String sha256,
      long size,
      Path target,
      CacheEntryLock lock,
      DiskCache.InFlight slot)
      throws IOException {
    Path temp = AtomicFiles.tempFor(target);
    FileChannel channel =
        FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    AtomicFiles.tempCreated.accept(temp);
    return new CacheFill(cache, sha256, size, target, temp, channel, lock, slot);
  }

  /**
   * Queues a copy of the chunk for the cache's writer, so the disk write overlaps the next chunk's
   * fetch; waits only while more than {@link #MAX_QUEUED_BYTES} are queued.
   */
  @Override
  public synchronized void accept(ByteBuffer chunk) {
    int length = chunk.remaining();
    while (channel != null && queuedBytes > MAX_QUEUED_BYTES) {
      try {
        wait();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        cannotWrite(new InterruptedIOException("interrupted while the cache entry was written"));
      }
    }
    if (channel == null) {
      return; // the cache failed to write earlier: the read goes on uncached
    }
    ByteBuffer copy = free.poll();
    if (copy == null || copy.capacity() < length) {
      if (copy != null) {
        cache.buffers().give(copy);
      }
      copy = cache.buffers().take(length);
    }
    copy.clear();
    copy.put(chunk).flip();
    queue.add(copy);
    queuedBytes += length;
    if (!writing) {
      writing = true;
      try {
        cache.writer().execute(this::drain);
      } catch (RejectedExecutionException closing) {
        drain(); // the client is closing: write on this thread
      }
    }
  }

  /** Writes queued chunks in order until the queue is empty (one drain runs at a time). */
  private void drain() {
    while (true) {
      ByteBuffer next;
      FileChannel out;
      synchronized (this) {
        next = queue.poll();
        out = channel;
        if (next == null || out == null) {
          queue.clear();
          queuedBytes = 0;
          writing = false;
          notifyAll();
          return;
        }
      }
      IOException failure = null;
      int length = next.remaining();
      try {
        while (next.hasRemaining()) {
          out.write(next);
        }
      } catch (IOException e) {
        failure = e;
      }
      synchronized (this) {
        queuedBytes -= length;
        free.push(next);
        if (failure == null) {
          written += length;
        } else if (channel != null) {
          cannotWrite(failure);
        }
        notifyAll();
      }
    }
  }

  /** Waits until the writer has written (or dropped) everything queued. */
  private void awaitWriter() {
    boolean interrupted = false;
    while (writing) {
      try {
        wait();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public synchronized void complete() {
    if (ended) {
      return;
    }
    ended = true;
    awaitWriter();
    if (channel != null) {
      try {
        if (written != size) {
          throw new IOException(
              "expected " + size + " bytes for cache entry " + sha256 + " but got " + written);
        }
        // No fsync on the reader's path: a cache entry is re-verified on every read, so the worst
        // a crash can leave (a whole-looking file whose blocks never reached the disk) is dropped
        // by the first read that hashes it; the rename alone keeps a half-written entry invisible.
        channel.close();
        channel = null;
        AtomicFiles.move(temp, target);
        cache.filled();
        if (cache.indexed(sha256)) {
          result = Optional.of(target);
        } else {
          Files.deleteIfExists(target); // evicted while it filled: keep disk within the bound
        }
      } catch (IOException | RuntimeException e) {
        cannotWrite(e);
      }
    }
    end();
  }

  @Override
  public synchronized void abandon() {
    if (ended) {
      return;
    }
    ended = true;
    queue.clear();
    awaitWriter();
    discard();
    cache.forget(sha256);
    end();
  }

  /** The published entry, once complete (empty when it was abandoned or could not be written). */
  synchronized Optional<Path> result() {
    return result;
  }

  private void cannotWrite(Exception e) {
    discard();
    cache.forget(sha256);
    cache.cacheFailed(sha256, e);
  }

  private void discard() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // the temp file goes anyway
      }
      channel = null;
    }
    try {
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      LOG.warn("cannot delete partial cache file {}: {}", temp, e.toString());
    }
  }

  /** Ends the fill; the caller holds this object's monitor and the writer is idle. */
  private void end() {
    free.forEach(cache.buffers()::give); // written: nobody refers to them any more
    free.clear();
    queue.forEach(cache.buffers()::give); // dropped unwritten, never handed to the writer
    queue.clear();
    try {
      lock.close();
    } catch (IOException e) {
      LOG.warn("cannot release the lock of cache entry {}: {}", sha256, e.toString());
    }
    cache.fillEnded(sha256, slot, result);
  }
}
