package io.btfshybrid.core;

/** Receives a shard's verified chunks in order, e.g. a cache entry being filled by a read. */
interface ChunkSink {
  /** The next verified chunk: {@code bytes[0, length)}; the array is reused after this returns. */
  void accept(byte[] bytes, int length);

  /** Every chunk was accepted: the shard is complete. */
  void complete();

  /** The read ended before the last chunk: nothing accepted may look complete. */
  void abandon();
}
