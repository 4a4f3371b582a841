package io.btfshybrid.api;

/** Bytes did not match the manifest; names the shard, the offset of the bad chunk and the tier. */
public class IntegrityException extends HybridStorageException {
  private static final long serialVersionUID = 1L;
  private final String shard;
  private final long offset;
  private final String tierId;

  /** Bytes of {@code shard} at {@code offset} from tier {@code tierId} did not verify. */
  public IntegrityException(String shard, long offset, String tierId, String detail) {
    super(
        "integrity failure in shard '"
            + shard
            + "' at offset "
            + offset
            + (tierId == null ? "" : " from tier '" + tierId + "'")
            + ": "
            + detail);
    this.shard = shard;
    this.offset = offset;
    this.tierId = tierId;
  }

  /** The shard path (or object key) whose bytes were wrong. */
  public String shard() {
    return shard;
  }

  /** Offset of the first byte of the chunk that failed. */
  public long offset() {
    return offset;
  }

  /** The tier that served the bad bytes, or null when not known (e.g. every source). */
  public String tierId() {
    return tierId;
  }
}
