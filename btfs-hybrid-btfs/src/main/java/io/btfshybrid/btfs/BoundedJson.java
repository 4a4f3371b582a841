package io.btfshybrid.btfs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Parses node replies that were already bounded in bytes, with Jackson's stream constraints tight
 * enough for what a node legitimately sends (shallow objects, short strings and numbers), so a
 * hostile reply is a {@link BtfsNodeException}, never an {@link Error}.
 */
final class BoundedJson {
  /** The most a stat, pin or id reply may be. */
  static final int MAX_SMALL_REPLY = 16 * 1024;

  /** The most a storage-session reply (one entry per shard contract) may be. */
  static final int MAX_REPLY = 1 << 20;

  /** The most one line of add's newline-delimited events may be. */
  static final int MAX_LINE = 64 * 1024;

  private static final ObjectMapper JSON =
      new ObjectMapper(
          JsonFactory.builder()
              .streamReadConstraints(
                  StreamReadConstraints.builder()
                      .maxNestingDepth(32)
                      .maxStringLength(64 * 1024)
                      .maxNumberLength(64)
                      .maxNameLength(4096)
                      .maxDocumentLength(MAX_REPLY)
                      .build())
              .build());

  private BoundedJson() {}

  /** The first JSON value of {@code body} (a node may add more lines); empty is JSON null. */
  static JsonNode firstValue(String command, byte[] body) throws BtfsNodeException {
    String text = new String(body, StandardCharsets.UTF_8).trim();
    if (text.isEmpty()) {
      return NullNode.getInstance();
    }
    int newline = text.indexOf('\n');
    return parse(command, newline < 0 ? text : text.substring(0, newline));
  }

  /** One JSON value; anything unreadable or beyond the constraints fails typed. */
  static JsonNode parse(String command, String text) throws BtfsNodeException {
    try {
      JsonNode node = JSON.readTree(text);
      return node == null ? NullNode.getInstance() : node;
    } catch (IOException e) {
      BtfsNodeException typed =
          new BtfsNodeException(command, 200, "unreadable answer: " + e.getMessage(), -1);
      typed.initCause(e);
      throw typed;
    }
  }
}
