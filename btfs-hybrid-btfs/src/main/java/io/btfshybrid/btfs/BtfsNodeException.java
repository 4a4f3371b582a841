package io.btfshybrid.btfs;

import io.btfshybrid.api.HybridStorageException;

/**
 * A BTFS (or IPFS) node refused or failed an RPC: carries the command, the HTTP status and the
 * node's own {@code Message} and {@code Code} from its JSON error (or X-Stream-Error trailer).
 */
public class BtfsNodeException extends HybridStorageException {
  private static final long serialVersionUID = 1L;
  private final String command;
  private final int httpStatus;
  private final String nodeMessage;
  private final int code;

  /** The node failed {@code command} with this HTTP status, message and error code. */
  public BtfsNodeException(String command, int httpStatus, String nodeMessage, int code) {
    super(
        "BTFS node failed '"
            + command
            + "'"
            + (httpStatus > 0 ? " (HTTP " + httpStatus + ")" : "")
            + ": "
            + nodeMessage);
    this.command = command;
    this.httpStatus = httpStatus;
    this.nodeMessage = nodeMessage;
    this.code = code;
  }

  /** The RPC, e.g. {@code cat} or {@code pin/add}. */
  public String command() {
    return command;
  }

  /** The HTTP status (200 when the error came in the X-Stream-Error trailer, 0 if none). */
  public int httpStatus() {
    return httpStatus;
  }

  /** The node's own message. */
  public String nodeMessage() {
    return nodeMessage;
  }

  /** The node's error code (1 for a bad request, 0 otherwise; -1 when it sent none). */
  public int code() {
    return code;
  }
}
