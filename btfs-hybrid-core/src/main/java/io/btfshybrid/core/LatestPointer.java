package io.btfshybrid.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.btfshybrid.api.ManifestRejectedException;
import io.btfshybrid.api.ManifestRejectedException.Reason;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Set;

/**
 * The signed, short-lived "latest" pointer of a dataset (TUF's timestamp role in miniature): a
 * sequence number that only grows, the release it points at (version, manifest revision, storage
 * key and manifest hash) and an expiry. Clients remember the highest sequence seen and refuse older
 * pointers, so a stale or replayed pointer cannot roll them back.
 */
record LatestPointer(
    String datasetId,
    long sequence,
    String version,
    int revision,
    String manifestKey,
    String manifestSha256,
    Instant issuedAt,
    Instant expiresAt) {
  /** Upper bound on a signed pointer document. */
  static final int MAX_DOCUMENT_BYTES = 64 * 1024;

  private static final Set<String> FIELDS =
      Set.of(
          "datasetId",
          "sequence",
          "version",
          "revision",
          "manifestKey",
          "manifestSha256",
          "issuedAt",
          "expiresAt");

  byte[] toCanonicalJson() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("datasetId", datasetId);
    n.put("sequence", sequence);
    n.put("version", version);
    n.put("revision", revision);
    n.put("manifestKey", manifestKey);
    n.put("manifestSha256", manifestSha256);
    n.put("issuedAt", issuedAt.toString());
    n.put("expiresAt", expiresAt.toString());
    try {
      return CanonicalJson.bytes(n);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses a canonical pointer payload, refusing anything malformed or not canonical. */
  static LatestPointer parse(byte[] payload, String where) throws ManifestRejectedException {
    JsonNode n;
    try {
      n = ManifestCodec.JSON.readTree(payload);
    } catch (IOException e) {
      throw malformed(where + " is not JSON", e);
    }
    if (n == null || !n.isObject() || n.size() != FIELDS.size()) {
      throw malformed(where + " must be an object with the fields " + FIELDS, null);
    }
    Iterator<String> names = n.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw malformed(where + " has an unknown field '" + name + "'", null);
      }
    }
    LatestPointer p;
    try {
      p =
          new LatestPointer(
              ShardPaths.checkName("datasetId", text(n, "datasetId")),
              positive(n, "sequence"),
              ShardPaths.checkName("version", text(n, "version")),
              Math.toIntExact(positive(n, "revision")),
              text(n, "manifestKey"),
              text(n, "manifestSha256"),
              Instant.parse(text(n, "issuedAt")),
              Instant.parse(text(n, "expiresAt")));
    } catch (IllegalArgumentException | ArithmeticException | DateTimeParseException e) {
      throw malformed(where + ": " + e.getMessage(), e);
    }
    if (!Digests.isSha256Hex(p.manifestSha256())) {
      throw malformed(
          where + " manifestSha256 '" + p.manifestSha256() + "' is not SHA-256 hex", null);
    }
    if (!p.manifestKey()
        .equals(ManifestUris.manifestKey(p.datasetId(), p.version(), p.revision()))) {
      throw malformed(
          where
              + " names manifest key '"
              + p.manifestKey()
              + "', which is not the key of "
              + p.datasetId()
              + "@"
              + p.version()
              + " revision "
              + p.revision(),
          null);
    }
    if (!Arrays.equals(payload, p.toCanonicalJson())) {
      throw malformed(where + " is not in canonical form", null);
    }
    return p;
  }

  private static String text(JsonNode n, String name) {
    JsonNode v = n.get(name);
    if (v == null || !v.isTextual() || v.asText().length() > 4096) {
      throw new IllegalArgumentException(
          "field '" + name + "' must be a string of at most 4096 characters");
    }
    return v.asText();
  }

  private static long positive(JsonNode n, String name) {
    JsonNode v = n.get(name);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 1) {
      throw new IllegalArgumentException("field '" + name + "' must be a positive integer");
    }
    return v.asLong();
  }

  private static ManifestRejectedException malformed(String detail, Throwable cause) {
    ManifestRejectedException e = new ManifestRejectedException(Reason.MALFORMED, detail);
    if (cause != null) {
      e.initCause(cause);
    }
    return e;
  }
}
