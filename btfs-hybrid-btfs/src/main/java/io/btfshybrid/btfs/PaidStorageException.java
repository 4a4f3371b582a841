package io.btfshybrid.btfs;

import io.btfshybrid.api.HybridStorageException;

/** A paid storage upload ({@code storage/upload}) could not be made or did not complete. */
public class PaidStorageException extends HybridStorageException {
  private static final long serialVersionUID = 1L;

  /** Why the upload failed. */
  public enum Reason {
    /** The node runs in simple mode, which has no storage client. */
    SIMPLE_MODE,
    /** The node's storage client (or host) API is not enabled. */
    STORAGE_DISABLED,
    /** Not enough storage hosts could be found for the replication factor. */
    NO_HOSTS,
    /** The session reached status {@code error} for another reason. */
    FAILED,
    /** The session did not reach {@code complete} or {@code error} in the allowed time. */
    TIMED_OUT
  }

  private final Reason reason;
  private final String sessionId;

  /** An upload failure for {@code reason}, in session {@code sessionId} (null if none). */
  public PaidStorageException(Reason reason, String sessionId, String message) {
    super(
        "paid storage upload "
            + (sessionId == null ? "" : "(session " + sessionId + ") ")
            + "failed ("
            + reason
            + "): "
            + message);
    this.reason = reason;
    this.sessionId = sessionId;
  }

  /** Why it failed. */
  public Reason reason() {
    return reason;
  }

  /** The storage session id, or null when no session was opened. */
  public String sessionId() {
    return sessionId;
  }
}
