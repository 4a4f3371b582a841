package io.btfshybrid.core;

import io.btfshybrid.api.ShardEntry;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Verified chunks of one shard read by position from a local file (the disk cache's copy, a file
 * tier's object), for {@link ChunkCursor}. The chunks after the one asked for (up to {@code depth})
 * are each read into their own direct buffer and hashed on the client's verifier pool; a reader
 * whose chunk is not verified yet reads and hashes the chunks nobody has started itself, so one
 * stream keeps every core hashing, its reader's included. Bytes are hashed in the private buffer
 * they are released from, so a file changed or truncated underneath can only fail a chunk (typed: a
 * mismatch or a truncation), never change the bytes of a chunk that verified. Memory: at most
 * {@code depth + 1} buffers of one chunk, the depth capped at twice the cores. Not thread-safe (one
 * reader).
 */
final class PositionalChunks implements Closeable {
  private final ShardEntry shard;
  private final ChunkSource source;
  private final FileChannel channel;
  private final ReadContext ctx;
  private final VerifiedReadListener listener;
  private final int depth;
  private final int endChunk;
  private final ArrayDeque<Ahead> ahead = new ArrayDeque<>();
  private final ArrayDeque<ByteBuffer> spare = new ArrayDeque<>();
  private final long openedAt;
  private boolean firstByteTold;
  private ByteBuffer lent;
  private long lentNanos;
  private int next;

  /** One chunk being read and hashed into its own buffer. */
  private static final class Ahead {
    final int index;
    final ByteBuffer buf;
    ChunkHasher.Pending check;
    long nanos; // written by the check before it completes, read after

    Ahead(int index, ByteBuffer buf) {
      this.index = index;
      this.buf = buf;
    }
  }

  private PositionalChunks(
      ShardEntry shard,
      ChunkSource source,
      FileChannel channel,
      ReadContext ctx,
      VerifiedReadListener listener,
      int depth,
      long rangeEnd,
      long openedAt) {
    this.shard = shard;
    this.source = source;
    this.channel = channel;
    this.ctx = ctx;
    this.listener = listener;
    // a local file has no latency to hide: enough chunks ahead to keep every core busy while its
    // reader takes the next answer, no more, so each chunk is still in the caches when its reader
    // copies it out
    this.depth = Math.min(depth, 2 * Math.max(2, ChunkHasher.CORES));
    this.endChunk = (int) ((rangeEnd + shard.chunkSize() - 1) / shard.chunkSize());
    this.openedAt = openedAt;
  }

  /**
   * Positional reads of {@code best} when it is a local file, unless it is a tier and hedging is on
   * (a tier that may be hedged is read by requests); null otherwise, or when the file cannot be
   * opened (its stream is then opened in turn, and fails there or not).
   *
   * @param depth chunks to read and hash ahead of the one asked for (0: each on the reader's
   *     thread, when asked)
   * @param rangeEnd no chunk at or past this stored offset is read
   */
  static PositionalChunks open(
      ChunkSource best,
      ShardEntry shard,
      ReadContext ctx,
      VerifiedReadListener listener,
      int depth,
      long rangeEnd) {
    if (best == null || (ctx.hedging().isPresent() && !best.id().equals(HealthTracker.CACHE_ID))) {
      return null;
    }
    long openedAt = System.nanoTime();
    Optional<FileChannel> channel;
    try {
      channel = best.openChannel();
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return channel
        .map(ch -> new PositionalChunks(shard, best, ch, ctx, listener, depth, rangeEnd, openedAt))
        .orElse(null);
  }

  /** The source these chunks are read from. */
  ChunkSource source() {
    return source;
  }

  /** How long reading the chunk last returned took (reading only, not hashing). */
  long lastNanos() {
    return lentNanos;
  }

  /**
   * Chunk {@code index}, verified: a read-only buffer of its {@code shard.chunkLength(index)} bytes
   * (position 0), valid until the next call. A chunk that does not match throws {@link
   * io.btfshybrid.api.IntegrityException} (after telling the source), one the file cannot supply
   * whole throws the read's {@link IOException}; either way nothing of it is returned.
   */
  ByteBuffer read(int index) throws IOException {
    if (lent != null) {
      spare.push(lent);
      lent = null;
    }
    Ahead head = ahead.peekFirst();
    if (head == null || head.index != index) {
      discardAhead();
      next = index;
      ahead.add(start(next++, false)); // asked for now: read on this thread, not queued
    }
    head = ahead.removeFirst();
    while (ahead.size() < depth && next < endChunk) {
      ahead.add(start(next++, true));
    }
    List<ChunkHasher.Pending> behind = new ArrayList<>(ahead.size());
    ahead.forEach(a -> behind.add(a.check));
    boolean matches;
    try {
      matches = ChunkHasher.await(head.check, behind);
    } catch (IOException e) {
      discardAhead(); // the file failed a read: the reader falls back from here
      throw e;
    }
    if (!matches) {
      discardAhead();
      source.corrupted();
      throw ChunkCursor.mismatch(shard, index, source);
    }
    if (!firstByteTold) {
      firstByteTold = true; // as a stream's first byte: the open and the first chunk
      listener.firstByte(source.id(), System.nanoTime() - openedAt);
    }
    lent = head.buf;
    lentNanos = head.nanos;
    return lent.asReadOnlyBuffer();
  }

  /** Starts reading and hashing chunk {@code index}: on the pool, or when its reader asks. */
  private Ahead start(int index, boolean onPool) {
    int length = shard.chunkLength(index);
    ByteBuffer buf = spare.isEmpty() ? ctx.buffers().take(capacity()) : spare.pop();
    buf.clear().limit(length);
    Ahead a = new Ahead(index, buf);
    long offset = (long) index * shard.chunkSize();
    String expected = shard.chunkHashes().get(index);
    ChunkHasher hasher = ctx.hasher();
    java.util.concurrent.Callable<Boolean> check =
        () -> {
          long began = System.nanoTime();
          int n = ctx.watchdog().readFully(source.id(), channel, buf, offset);
          if (n < length) {
            throw ChunkCursor.truncated(source, n, length, index);
          }
          a.nanos = System.nanoTime() - began;
          buf.flip();
          return hasher.matches(buf.duplicate(), expected);
        };
    a.check = onPool ? hasher.submit(check) : new ChunkHasher.Pending(check);
    return a;
  }

  private int capacity() {
    return (int) Math.min(shard.chunkSize(), shard.storedSize());
  }

  private void discardAhead() {
    for (Ahead a : ahead) {
      if (!a.check.cancel(false)) {
        spare.push(a.buf); // it had finished: its buffer is free
      } // else it may still be running: its buffer may still be written, never reused
    }
    ahead.clear();
  }

  @Override
  public void close() {
    discardAhead();
    if (lent != null) {
      spare.push(lent); // its reader asked for no chunk after closing
      lent = null;
    }
    spare.forEach(ctx.buffers()::give);
    spare.clear();
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing more is read from it
    }
  }
}
