package io.btfshybrid.btfs;

import com.fasterxml.jackson.databind.JsonNode;
import io.btfshybrid.api.IntegrityException;
import io.btfshybrid.api.Locator;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code add}: streams the content to the node while computing its CID locally, and refuses a node
 * that answers with another CID. The answer's newline-delimited events are read line by line, each
 * line and the whole answer bounded.
 */
final class BtfsWrites {
  private static final Logger LOG = LoggerFactory.getLogger(BtfsWrites.class);

  /** The most add's whole answer may be (one event per file and directory added). */
  static final int MAX_ANSWER = 1 << 20;

  private final BtfsNode node;

  BtfsWrites(BtfsNode node) {
    this.node = node;
  }

  Locator write(String key, InputStream bytes, long size) throws IOException {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(bytes, "bytes");
    CidProfile profile = node.profile();
    UnixFsDagBuilder local = UnixFsDagBuilder.create(profile);
    MultipartAddEntity body =
        new MultipartAddEntity(MultipartAddEntity.safeFileName(key), bytes, size, local);
    String version = Integer.toString(profile.cidVersion());
    NodeCall add =
        node.call("add")
            .param("pin", "true")
            .param("v", version)
            .param("cid-version", version)
            .param("raw-leaves", Boolean.toString(profile.rawLeaves()))
            .param("chunker", "size-" + CidProfile.CHUNK_SIZE)
            .param("hash", "sha2-256")
            .param("progress", "false")
            .upload(body, node.writeTimeout(), "'" + key + "'");
    if (profile.cidVersion() == 1) {
      add.param("cid-base", "base32");
    }
    String rootHash;
    try (NodeReply reply = add.open()) {
      rootHash = lastHash(reply);
    }
    Cid computed = local.finish();
    if (rootHash == null) {
      throw new BtfsNodeException("add", 200, "the answer named no root CID for '" + key + "'", -1);
    }
    Cid returned;
    try {
      returned = Cid.parse(rootHash);
    } catch (IllegalArgumentException e) {
      throw new BtfsNodeException("add", 200, e.getMessage(), -1);
    }
    if (!returned.equals(computed)) {
      throw new IntegrityException(
          key,
          0,
          node.id(),
          "the node answered add with CID " + returned + " but the content's CID is " + computed);
    }
    LOG.debug(
        "added {} ({} bytes) to tier {} as {}", key, local.bytesWritten(), node.id(), computed);
    return node.locator(computed);
  }

  /** Reads add's newline-delimited JSON events and returns the last Hash (the root). */
  private static String lastHash(NodeReply reply) throws IOException {
    String last = null;
    InputStream content = new BufferedInputStream(reply.body(), 8192);
    long total = 0;
    for (String line = nextLine(content); line != null; line = nextLine(content)) {
      total += line.length() + 1;
      if (total > MAX_ANSWER) {
        throw new BtfsNodeException(
            "add", 200, "the answer is longer than the " + MAX_ANSWER + " bytes it may be", -1);
      }
      if (line.isBlank()) {
        continue;
      }
      JsonNode event = BoundedJson.parse("add", line);
      if ("error".equals(event.path("Type").asText()) && event.has("Message")) {
        throw new BtfsNodeException(
            "add", 200, event.get("Message").asText(), event.path("Code").asInt(-1));
      }
      if (event.hasNonNull("Hash")) {
        last = event.get("Hash").asText();
      }
    }
    String streamError = reply.trailer(CheckedBodyStream.STREAM_ERROR_TRAILER);
    if (streamError != null && !streamError.isBlank()) {
      throw new BtfsNodeException("add", 200, streamError, -1);
    }
    return last;
  }

  /** The next line (without its newline), or null at the end; a line is at most 64 KiB. */
  private static String nextLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    for (int b = in.read(); b >= 0; b = in.read()) {
      if (b == '\n') {
        return line.toString(StandardCharsets.UTF_8);
      }
      if (line.size() >= BoundedJson.MAX_LINE) {
        throw new BtfsNodeException(
            "add", 200, "an answer line is longer than " + BoundedJson.MAX_LINE + " bytes", -1);
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
  }
}
