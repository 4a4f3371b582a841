package io.btfshybrid.core;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client's idle chunk buffers, for reuse across reads and cache fills: cache-line aligned direct
 * buffers ({@link DirectBuffers}) in power-of-two sizes, at most {@link #MAX_IDLE_BYTES} of them
 * kept. A new direct buffer costs its allocation, zeroing and first-touch page faults (about 1 ms
 * per MiB here), more than reading and hashing a chunk from the page cache; a shard read that took
 * fresh buffers paid that on every open. A buffer is given back only by whoever holds the last
 * reference to it: never one a cancelled read may still be writing.
 */
final class ChunkBuffers {
  /** The most bytes of idle buffers kept. */
  static final long MAX_IDLE_BYTES = 64L << 20;

  private static final int MIN_SIZE = 4096;

  private final ConcurrentHashMap<Integer, ConcurrentLinkedDeque<ByteBuffer>> idle =
      new ConcurrentHashMap<>();
  private final AtomicLong idleBytes = new AtomicLong();

  /**
   * A direct buffer of at least {@code length} bytes (its capacity: {@code length} rounded up to a
   * power of two), position 0 and limit {@code length}: an idle one when there is one.
   */
  ByteBuffer take(int length) {
    int size = sizeFor(length);
    ConcurrentLinkedDeque<ByteBuffer> free = idle.get(size);
    ByteBuffer b = free == null ? null : free.pollFirst();
    if (b == null) {
      b = DirectBuffers.allocate(size);
    } else {
      idleBytes.addAndGet(-size);
    }
    return b.clear().limit(length);
  }

  /** Keeps {@code b} (one {@link #take} returned, no longer used by anyone) for a later take. */
  void give(ByteBuffer b) {
    int size = b.capacity();
    if (!b.isDirect() || b.isReadOnly() || size != sizeFor(size)) {
      return; // not one of ours
    }
    if (idleBytes.addAndGet(size) > MAX_IDLE_BYTES) {
      idleBytes.addAndGet(-size); // enough kept: this one goes to the garbage collector
      return;
    }
    idle.computeIfAbsent(size, k -> new ConcurrentLinkedDeque<>()).addFirst(b);
  }

  /** Bytes of idle buffers kept now. */
  long idleBytes() {
    return idleBytes.get();
  }

  private static int sizeFor(int length) {
    if (length <= MIN_SIZE) {
      return MIN_SIZE;
    }
    int size = Integer.highestOneBit(length);
    return size == length ? size : size << 1;
  }
}
