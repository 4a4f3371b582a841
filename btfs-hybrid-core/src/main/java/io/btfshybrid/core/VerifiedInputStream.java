package io.btfshybrid.core;

import com.google.common.base.Preconditions;
import io.btfshybrid.api.ShardEntry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * Stored bytes [from, to) of a shard, released a chunk at a time after its hash matched. With a
 * {@link ChunkSink} (a whole-shard read only), every verified chunk also goes to the sink in order,
 * which is completed when the last chunk was verified and abandoned when the read fails or is
 * closed before.
 */
final class VerifiedInputStream extends InputStream {
  private final ShardEntry shard;
  private final ChunkCursor cursor;
  private final long to;
  private ByteBuffer chunk;
  private ChunkSink sink;
  private long position;
  private int nextChunk;
  private int chunkPos;
  private int chunkLen;
  private boolean closed;

  VerifiedInputStream(ShardEntry shard, ChunkCursor cursor, long from, long to) {
    this(shard, cursor, from, to, null);
  }

  VerifiedInputStream(ShardEntry shard, ChunkCursor cursor, long from, long to, ChunkSink sink) {
    Preconditions.checkArgument(
        from >= 0 && from <= to && to <= shard.storedSize(),
        "range [%s, %s) is outside shard '%s' of %s bytes",
        from,
        to,
        shard.path(),
        shard.storedSize());
    this.shard = shard;
    this.cursor = cursor;
    this.to = to;
    this.position = from;
    this.nextChunk = (int) (from / shard.chunkSize());
    Preconditions.checkArgument(
        sink == null || (from == 0 && to == shard.storedSize()),
        "only a whole-shard read of '%s' can fill a sink, not [%s, %s)",
        shard.path(),
        from,
        to);
    this.sink = sink;
    this.chunk = ByteBuffer.allocate(0);
    cursor.limitTo(to == from ? from : ((to - 1) / shard.chunkSize() + 1) * shard.chunkSize());
  }

  private boolean fill() throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
    if (position >= to) {
      return false;
    }
    long chunkStart = (long) nextChunk * shard.chunkSize();
    try {
      chunk = cursor.read(nextChunk);
    } catch (IOException | RuntimeException e) {
      abandonSink();
      throw e;
    }
    chunkLen = shard.chunkLength(nextChunk);
    if (sink != null) {
      sink.accept(chunk.duplicate());
      if (chunkStart + chunkLen == shard.storedSize()) {
        ChunkSink done = sink;
        sink = null;
        done.complete();
      }
    }
    chunkPos = (int) (position - chunkStart);
    chunkLen = (int) Math.min(chunkLen, to - chunkStart);
    nextChunk++;
    return true;
  }

  @Override
  public int read() throws IOException {
    if (chunkPos >= chunkLen && !fill()) {
      return -1;
    }
    position++;
    return chunk.get(chunkPos++) & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (chunkPos >= chunkLen && !fill()) {
      return -1;
    }
    int n = Math.min(len, chunkLen - chunkPos);
    chunk.get(chunkPos, b, off, n);
    chunkPos += n;
    position += n;
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = 0;
    while (skipped < n) {
      if (chunkPos >= chunkLen) {
        long remainingInRange = to - position;
        long whole = Math.min(n - skipped, remainingInRange);
        long targetChunk = (position + whole) / shard.chunkSize();
        if (targetChunk > nextChunk && sink == null) { // a sink needs every chunk
          long jumpTo = targetChunk * shard.chunkSize();
          skipped += jumpTo - position;
          position = jumpTo;
          nextChunk = (int) targetChunk;
          continue;
        }
        if (!fill()) {
          break;
        }
      }
      int step = (int) Math.min(n - skipped, chunkLen - chunkPos);
      chunkPos += step;
      position += step;
      skipped += step;
    }
    return skipped;
  }

  @Override
  public int available() {
    return Math.max(0, chunkLen - chunkPos);
  }

  @Override
  public void close() {
    closed = true;
    abandonSink();
    cursor.close();
  }

  private void abandonSink() {
    if (sink != null) {
      ChunkSink left = sink;
      sink = null;
      left.abandon();
    }
  }
}
