package io.btfshybrid.api;

/**
 * A release's data key could not be unwrapped: the key-encryption key is unknown to the configured
 * {@link KeyManagementService}, none is configured, or it is not the key that wrapped the data key
 * (wrong key, altered wrapped key). No plaintext byte is produced.
 */
public class KeyUnavailableException extends HybridStorageException {
  private static final long serialVersionUID = 1L;
  private final String kekId;

  /** The key {@code kekId} could not be used; {@code detail} says why. */
  public KeyUnavailableException(String kekId, String detail) {
    super("key-encryption key '" + kekId + "' is unavailable: " + detail);
    this.kekId = kekId;
  }

  /** The key {@code kekId} could not be used, caused by {@code cause}. */
  public KeyUnavailableException(String kekId, String detail, Throwable cause) {
    this(kekId, detail);
    initCause(cause);
  }

  /** The id of the key-encryption key that was asked for. */
  public String kekId() {
    return kekId;
  }
}
