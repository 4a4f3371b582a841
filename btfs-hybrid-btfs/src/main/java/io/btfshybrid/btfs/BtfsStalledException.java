package io.btfshybrid.btfs;

import io.btfshybrid.api.HybridStorageException;
import java.time.Duration;

/**
 * A BTFS node or gateway stopped making progress on a reply: for the tier's stall timeout its body
 * delivered too little, so the connection was abandoned and the reader may try another source.
 */
public class BtfsStalledException extends HybridStorageException {
  private static final long serialVersionUID = 1L;
  private final String tierId;

  /** A stall of {@code subject} (e.g. {@code cat of btfs:btfs://<cid>}) on tier {@code tierId}. */
  public BtfsStalledException(String tierId, String subject, long bytes, Duration stallTimeout) {
    super(
        subject
            + " on tier '"
            + tierId
            + "' stalled after "
            + bytes
            + " bytes: no progress for "
            + stallTimeout);
    this.tierId = tierId;
  }

  /** The id of the tier whose node stalled. */
  public String tierId() {
    return tierId;
  }
}
