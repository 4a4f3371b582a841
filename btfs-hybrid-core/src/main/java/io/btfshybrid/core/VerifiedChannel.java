package io.btfshybrid.core;

import io.btfshybrid.api.ShardEntry;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Random access to a shard's stored bytes: each read fetches and verifies only the chunk under the
 * position (one chunk is held in memory).
 */
final class VerifiedChannel extends ReadOnlyChannel {
  private final ShardEntry shard;
  private final ChunkCursor cursor;
  private ByteBuffer chunk;
  private int bufferedChunk = -1;
  private int bufferedLength;

  VerifiedChannel(ShardEntry shard, ChunkCursor cursor) {
    super(shard.storedSize());
    this.shard = shard;
    this.cursor = cursor;
    this.chunk = ByteBuffer.allocate(0);
  }

  @Override
  int readAt(ByteBuffer dst, long position) throws IOException {
    int index = (int) (position / shard.chunkSize());
    if (index != bufferedChunk) {
      bufferedChunk = -1;
      chunk = cursor.read(index);
      bufferedLength = shard.chunkLength(index);
      bufferedChunk = index;
    }
    int within = (int) (position - (long) index * shard.chunkSize());
    int n = Math.min(dst.remaining(), bufferedLength - within);
    dst.put(chunk.slice(within, n));
    return n;
  }

  @Override
  public void close() {
    super.close();
    cursor.close();
  }
}
