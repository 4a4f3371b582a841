package io.btfshybrid.btfs;

import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectNotFoundException;
import java.util.Locale;

/** Turns a node's error about some content into the typed exception a reader expects. */
final class NodeErrors {
  private NodeErrors() {}

  static boolean isTimeout(String message) {
    String m = message.toLowerCase(Locale.ROOT);
    return m.contains("timed out") || m.contains("deadline exceeded") || m.contains("timeout");
  }

  static boolean isNotFound(String message) {
    String m = message.toLowerCase(Locale.ROOT);
    return m.contains("not found")
        || m.contains("no link named")
        || m.contains("does not exist")
        || m.contains("could not resolve");
  }

  static boolean isNotPinned(String message) {
    return message.toLowerCase(Locale.ROOT).contains("not pinned");
  }

  /** Unavailable or not found when the message says so, else the node error itself. */
  static java.io.IOException forContent(Locator where, BtfsNodeException e) {
    String message = e.nodeMessage();
    if (isTimeout(message)) {
      BtfsContentUnavailableException typed =
          new BtfsContentUnavailableException(where, e.command() + ": " + message);
      typed.initCause(e);
      return typed;
    }
    if (isNotFound(message)) {
      ObjectNotFoundException typed =
          new ObjectNotFoundException(where, e.command() + ": " + message);
      typed.initCause(e);
      return typed;
    }
    return e;
  }
}
