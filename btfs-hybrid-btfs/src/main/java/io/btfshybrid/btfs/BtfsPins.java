package io.btfshybrid.btfs;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
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

  /**
   * Every recursively pinned CID ({@code pin/ls?type=recursive}), in CID order; the answer is
   * bounded ({@link BoundedJson#MAX_REPLY}) and a key that is no CID fails naming it.
   */
  List<Cid> pinned() throws IOException {
    JsonNode answer = node.call("pin/ls").param("type", "recursive").json(BoundedJson.MAX_REPLY);
    JsonNode keys = answer.path("Keys");
    if (!keys.isObject()) {
      throw new BtfsNodeException("pin/ls", 200, "the answer has no Keys object", -1);
    }
    List<Cid> pins = new ArrayList<>();
    for (Iterator<String> it = keys.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      try {
        pins.add(Cid.parse(key));
      } catch (IllegalArgumentException e) {
        throw new BtfsNodeException(
            "pin/ls", 200, "the answer lists '" + key + "', which is no CID", -1);
      }
    }
    pins.sort(Comparator.comparing(Cid::toString));
    return pins;
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
