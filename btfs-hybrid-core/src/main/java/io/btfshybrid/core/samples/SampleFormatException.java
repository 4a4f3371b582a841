package io.btfshybrid.core.samples;

import io.btfshybrid.api.HybridStorageException;

/** A shard whose bytes do not follow its sample format: names the shard and the byte offset. */
public final class SampleFormatException extends HybridStorageException {
  private static final long serialVersionUID = 1L;

  private final String shard;
  private final long offset;

  /** A problem with {@code shard} at byte {@code offset}. */
  public SampleFormatException(String shard, long offset, String detail) {
    super("shard '" + shard + "' at offset " + offset + ": " + detail);
    this.shard = shard;
    this.offset = offset;
  }

  /** The shard's path in its release. */
  public String shard() {
    return shard;
  }

  /** The byte offset in the shard where the problem starts. */
  public long offset() {
    return offset;
  }
}
