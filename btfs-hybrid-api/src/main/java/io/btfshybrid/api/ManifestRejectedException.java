package io.btfshybrid.api;

/** A manifest (or latest pointer, or trust root) was refused; {@link #reason()} says why. */
public class ManifestRejectedException extends HybridStorageException {
  private static final long serialVersionUID = 1L;

  /** Why a manifest was refused. */
  public enum Reason {
    /** Not a well-formed document of its kind: bad JSON, a missing, unknown or mistyped field. */
    MALFORMED,
    /** The document carries no signature at all. */
    UNSIGNED,
    /** Every signature is by a key the trust root does not list. */
    UNKNOWN_KEY,
    /** A signature by a trusted key does not match the content (altered after signing). */
    BAD_SIGNATURE,
    /** Fewer distinct valid signatures by trusted keys than the trust root's threshold. */
    THRESHOLD_NOT_MET,
    /** A shard path could escape the dataset (absolute, {@code ..}, backslash, drive letter). */
    UNSAFE_PATH,
    /** The document's hash differs from the hash its address pins ({@code ?sha256=}). */
    HASH_MISMATCH,
    /** The manifest or latest pointer is past its expiry (and expired reads were not allowed). */
    EXPIRED,
    /** Older than what this client already trusts (a lower pointer sequence or root version). */
    ROLLBACK,
    /** Over a size or count limit (document bytes, shards, signatures, strings, nesting). */
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

  /** A refusal for {@code reason}; {@code detail} names the document and what is wrong. */
  public ManifestRejectedException(Reason reason, String detail) {
    super(
        "manifest rejected ("
            + reason.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
            + "): "
            + detail);
    this.reason = reason;
    this.detail = detail;
  }

  /** A refusal for {@code reason} caused by {@code cause}. */
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
