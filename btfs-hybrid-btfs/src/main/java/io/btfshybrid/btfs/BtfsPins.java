package io.btfshybrid.btfs;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/** Pins: {@code pin/add}, {@code pin/rm} and {@code pin/ls?type=recursive}. */
final class BtfsPins {
  private final BtfsNode node;

  BtfsPins(BtfsNode node) {
    this.node = node;
  }

  void pin(Cid cid) throws IOException {
    node.call("pin/add").arg(cid).withNodeTimeout().about(node.locator(cid)).json();
  }

  boolean unpin(Cid cid) throws IOException {
    try {
      node.call("pin/rm").arg(cid).json();
      return true;
    } catch (BtfsNodeException e) {
      if (NodeErrors.isNotPinned(e.nodeMessage())) {
        return false;
      }
      throw e;
    }
  }

  boolean isPinned(Cid cid) throws IOException {
    JsonNode answer;
    try {
      answer = node.call("pin/ls").arg(cid).param("type", "recursive").json();
    } catch (BtfsNodeException e) {
      if (NodeErrors.isNotPinned(e.nodeMessage())) {
        return false;
      }
      throw e;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = answer.path("Keys").properties().iterator();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      try {
        if (Cid.parse(e.getKey()).sameMultihash(cid)) {
          return true;
        }
      } catch (IllegalArgumentException ignored) {
        // a key we cannot read is not ours
      }
    }
    return false;
  }
}
