package io.btfshybrid.api;

/** No source could serve a shard; each source's failure is attached with addSuppressed. */
public class ShardUnavailableException extends HybridStorageException {
  private static final long serialVersionUID = 1L;
  private final String shard;

  /** No source could serve {@code shard}; {@code detail} says why. */
  public ShardUnavailableException(String shard, String detail) {
    super("shard '" + shard + "' is unavailable: " + detail);
    this.shard = shard;
  }

  /** The shard path that could not be read. */
  public String shard() {
    return shard;
  }
}
