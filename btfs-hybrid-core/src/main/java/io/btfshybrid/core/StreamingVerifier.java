package io.btfshybrid.core;

import io.btfshybrid.api.ShardEntry;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.List;

/**
 * Verified reads of one shard's stored bytes from an ordered list of sources: bytes are released a
 * chunk at a time, only after the chunk's SHA-256 matched the manifest, and a failing source is
 * abandoned mid-stream for the next one, resuming at the last verified offset.
 */
final class StreamingVerifier {
  /** Random-access reads ask a source for at most this many chunks at once. */
  private static final int CHANNEL_SPAN_CHUNKS = 16;

  private final ShardEntry shard;
  private final List<ChunkSource> sources;
  private final VerifiedReadListener listener;
  private final ReadContext ctx;

  StreamingVerifier(
      ShardEntry shard, List<ChunkSource> sources, VerifiedReadListener listener, ReadContext ctx) {
    this.shard = shard;
    this.sources = List.copyOf(sources);
    this.listener = listener;
    this.ctx = ctx;
  }

  /** The whole stored object, verified chunk by chunk. */
  InputStream openStream() {
    return openStream(0, shard.storedSize());
  }

  /** Stored bytes [from, to), touching (and verifying) only the chunks that overlap them. */
  InputStream openStream(long from, long to) {
    return new VerifiedInputStream(shard, newCursor(Long.MAX_VALUE, true), from, to);
  }

  /** The whole stored object, each verified chunk also handed to {@code sink} in order. */
  InputStream openStream(ChunkSink sink) {
    return new VerifiedInputStream(
        shard, newCursor(Long.MAX_VALUE, true), 0, shard.storedSize(), sink);
  }

  /** Random access; each read verifies only the chunk it touches. */
  SeekableByteChannel openChannel() {
    return new VerifiedChannel(
        shard, newCursor((long) CHANNEL_SPAN_CHUNKS * shard.chunkSize(), false));
  }

  private ChunkCursor newCursor(long span, boolean sequential) {
    return new ChunkCursor(shard, sources, listener, span, ctx, sequential);
  }
}
