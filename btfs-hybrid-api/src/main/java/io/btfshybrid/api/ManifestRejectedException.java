package io.btfshybrid.api;

/** A manifest (or latest pointer, or trust root) was refused; {@link #reason()} says why. */
public class ManifestRejectedException extends HybridStorageException {
  private static final long serialVersionUID = 1L;

  /** Why a manifest was refused. */
  public enum Reason {
    MALFORMED,
    UNSIGNED,
    UNKNOWN_KEY,
    BAD_SIGNATURE,
    THRESHOLD_NOT_MET,
    UNSAFE_PATH,
    HASH_MISMATCH,
    EXPIRED,
    ROLLBACK,
    TOO_LARGE,
    /**
     * A valid manifest of another release than the one its address names (a mix-and-match or
     * freeze): the dataset, version or revision in the path differs from the signed payload.
     */
    WRONG_RELEASE,
    /** An unencrypted shard's declared size or SHA-256 differs from its stored size or hash. */
    INCONSISTENT_SHARD
  }

  private final Reason reason;
  private final String detail;

  public ManifestRejectedException(Reason reason, String detail) {
    super(
        "manifest rejected ("
            + reason.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
            + "): "
            + detail);
    this.reason = reason;
    this.detail = detail;
  }

  public ManifestRejectedException(Reason reason, String detail, Throwable cause) {
    this(reason, detail);
    initCause(cause);
  }

  /** The category of the refusal. */
  public Reason reason() {
    return reason;
  }

  /** What is wrong, without the "manifest rejected (reason): " prefix of the message. */
  public String detail() {
    return detail;
  }
}
