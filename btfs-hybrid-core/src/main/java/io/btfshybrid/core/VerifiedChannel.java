package io.btfshybrid.core;

import com.google.common.base.Preconditions;
import io.btfshybrid.api.ShardEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * Random access to a shard's stored bytes: each read fetches and verifies only the chunk under the
 * position (one chunk is held in memory).
 */
final class VerifiedChannel implements SeekableByteChannel {
  private final ShardEntry shard;
  private final ChunkCursor cursor;
  private byte[] chunk;
  private int bufferedChunk = -1;
  private int bufferedLength;
  private long position;
  private boolean open = true;

  VerifiedChannel(ShardEntry shard, ChunkCursor cursor) {
    this.shard = shard;
    this.cursor = cursor;
    this.chunk = new byte[0];
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    ensureOpen();
    if (position >= shard.storedSize()) {
      return -1;
    }
    int index = (int) (position / shard.chunkSize());
    if (index != bufferedChunk) {
      bufferedChunk = -1;
      chunk = cursor.read(index);
      bufferedLength = shard.chunkLength(index);
      bufferedChunk = index;
    }
    int within = (int) (position - (long) index * shard.chunkSize());
    int n = Math.min(dst.remaining(), bufferedLength - within);
    dst.put(chunk, within, n);
    position += n;
    return n;
  }

  @Override
  public int write(ByteBuffer src) {
    throw new NonWritableChannelException();
  }

  @Override
  public long position() throws IOException {
    ensureOpen();
    return position;
  }

  @Override
  public SeekableByteChannel position(long newPosition) throws IOException {
    ensureOpen();
    Preconditions.checkArgument(newPosition >= 0, "position must be >= 0, was %s", newPosition);
    position = newPosition;
    return this;
  }

  @Override
  public long size() throws IOException {
    ensureOpen();
    return shard.storedSize();
  }

  @Override
  public SeekableByteChannel truncate(long size) {
    throw new NonWritableChannelException();
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    open = false;
    cursor.close();
  }

  private void ensureOpen() throws ClosedChannelException {
    if (!open) {
      throw new ClosedChannelException();
    }
  }
}
