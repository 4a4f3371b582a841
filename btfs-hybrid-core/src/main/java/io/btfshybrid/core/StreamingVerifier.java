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
  private final StallWatchdog watchdog;

  StreamingVerifier(
      ShardEntry shard,
      List<ChunkSource> sources,
      VerifiedReadListener listener,
      StallWatchdog watchdog) {
    this.shard = shard;
    this.sources = List.copyOf(sources);
    this.listener = listener;
    this.watchdog = watchdog;
  }

  /** The whole stored object, verified chunk by chunk. */
  InputStream openStream() {
    return openStream(0, shard.storedSize());
  }

  /** Stored bytes [from, to), touching (and verifying) only the chunks that overlap them. */
  InputStream openStream(long from, long to) {
    return new VerifiedInputStream(shard, newCursor(Long.MAX_VALUE), from, to);
  }

  /** Random access; each read verifies only the chunk it touches. */
  SeekableByteChannel openChannel() {
    return new VerifiedChannel(shard, newCursor((long) CHANNEL_SPAN_CHUNKS * shard.chunkSize()));
  }

  private ChunkCursor newCursor(long span) {
    return new ChunkCursor(shard, sources, listener, span, watchdog);
  }
}
