package io.btfshybrid.api;

/** A tier cannot say what it holds: {@link StorageTier#list} is not implemented by it. */
public class UnsupportedListingException extends HybridStorageException {
  private static final long serialVersionUID = 1L;
  private final String tierId;

  /** The tier {@code tierId} cannot list its objects. */
  public UnsupportedListingException(String tierId) {
    super("tier '" + tierId + "' cannot list the objects it holds");
    this.tierId = tierId;
  }

  /** The tier that cannot list. */
  public String tierId() {
    return tierId;
  }
}
