package io.btfshybrid.core;

import io.btfshybrid.api.HybridStorageException;

/**
 * A tier's latest pointer could not be read while publishing, so the next sequence is unknown: the
 * publication stops rather than guess (a guessed, lower sequence would look like a rollback to
 * every client). Retryable: publish again once the tier answers.
 */
public class LatestPointerUnavailableException extends HybridStorageException {
  private static final long serialVersionUID = 1L;

  /** The dataset whose pointer could not be read. */
  private final String datasetId;

  /** The tier that failed. */
  private final String tierId;

  /** Tier {@code tierId} failed to return the latest pointer of {@code datasetId}. */
  public LatestPointerUnavailableException(String datasetId, String tierId, Throwable cause) {
    super(
        "cannot read the latest pointer of "
            + datasetId
            + " on tier '"
            + tierId
            + "' ("
            + cause.getMessage()
            + "); its sequence is unknown, so nothing was moved: publish again when the tier"
            + " answers",
        cause);
    this.datasetId = datasetId;
    this.tierId = tierId;
  }

  /** The dataset whose pointer could not be read. */
  public String datasetId() {
    return datasetId;
  }

  /** The tier that failed. */
  public String tierId() {
    return tierId;
  }

  /** Always true: the failure is the tier's, and the same call may succeed later. */
  public boolean retryable() {
    return true;
  }
}
