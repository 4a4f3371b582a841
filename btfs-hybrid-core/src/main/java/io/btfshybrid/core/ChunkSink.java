package io.btfshybrid.core;

import java.nio.ByteBuffer;

/** Receives a shard's verified chunks in order, e.g. a cache entry being filled by a read. */
interface ChunkSink {
  /** The next verified chunk: the bytes {@code chunk} has remaining; reused after this returns. */
  void accept(ByteBuffer chunk);

  /** Every chunk was accepted: the shard is complete. */
  void complete();

  /** The read ended before the last chunk: nothing accepted may look complete. */
  void abandon();
}
