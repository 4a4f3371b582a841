package io.btfshybrid.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.btfshybrid.api.ManifestRejectedException;
import io.btfshybrid.api.ManifestRejectedException.Reason;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A signed document in the style of DSSE: the exact payload bytes (base64), their type, and
 * signatures over {@code PAE(type, payload)}. Verifying the exact bytes avoids any ambiguity of
 * re-serialisation; the payload's SHA-256 is the document's hash.
 */
@SuppressWarnings(
    "ArrayRecordComponent") // internal value; its array is never compared or exposed to callers
record SignedEnvelope(String payloadType, byte[] payload, List<Signature> signatures) {
  static final String MANIFEST_TYPE = "application/vnd.btfs-hybrid.manifest.v1+json";
  static final String LATEST_TYPE = "application/vnd.btfs-hybrid.latest.v1+json";
  static final String TRUST_ROOT_TYPE = "application/vnd.btfs-hybrid.trust-root.v1+json";

  /** Most signatures a document may carry. */
  static final int MAX_SIGNATURES = 64;

  /** One signature: the signing key's id and the raw signature bytes. */
  @SuppressWarnings(
      "ArrayRecordComponent") // internal value; its array is never compared or exposed to callers
  record Signature(String keyId, byte[] bytes) {}

  SignedEnvelope {
    signatures = List.copyOf(signatures);
  }

  /** The bytes a signature covers: DSSE's pre-authentication encoding of type and payload. */
  static byte[] preAuthEncoding(String payloadType, byte[] payload) {
    byte[] type = payloadType.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String header = "DSSEv1 " + type.length + " " + payloadType + " " + payload.length + " ";
    byte[] head = header.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] out = new byte[head.length + payload.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(payload, 0, out, head.length, payload.length);
    return out;
  }

  /** Signs {@code payload} with every signer (distinct keys) into one envelope. */
  static SignedEnvelope sign(String payloadType, byte[] payload, List<ManifestSigner> signers) {
    List<Signature> sigs = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (ManifestSigner signer : signers) {
      if (seen.add(signer.keyId())) {
        sigs.add(signer.sign(payloadType, payload));
      }
    }
    return new SignedEnvelope(payloadType, payload, sigs);
  }

  byte[] signedBytes() {
    return preAuthEncoding(payloadType, payload);
  }

  String payloadSha256() {
    return Digests.sha256Hex(payload);
  }

  byte[] toJson() {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("payloadType", payloadType);
    root.put("payload", Base64.getEncoder().encodeToString(payload));
    ArrayNode sigs = root.putArray("signatures");
    for (Signature s : signatures) {
      sigs.addObject()
          .put("keyid", s.keyId())
          .put("sig", Base64.getEncoder().encodeToString(s.bytes()));
    }
    try {
      return ManifestCodec.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static SignedEnvelope parse(byte[] json, String expectedType) throws ManifestRejectedException {
    return parse(json, expectedType, ManifestCodec.MAX_MANIFEST_BYTES * 2L);
  }

  /** Parses a signed document of at most {@code maxBytes}, refusing anything malformed. */
  static SignedEnvelope parse(byte[] json, String expectedType, long maxBytes)
      throws ManifestRejectedException {
    if (json.length > maxBytes) {
      throw new ManifestRejectedException(
          Reason.TOO_LARGE, "signed document of " + json.length + " bytes is too large");
    }
    JsonNode root;
    try {
      root = ManifestCodec.JSON.readTree(json);
    } catch (IOException e) {
      throw new ManifestRejectedException(Reason.MALFORMED, "signed document is not JSON", e);
    }
    if (root == null
        || !root.isObject()
        || !root.path("payloadType").isTextual()
        || !root.path("payload").isTextual()) {
      throw new ManifestRejectedException(
          Reason.MALFORMED, "not a signed btfs-hybrid document (payloadType/payload missing)");
    }
    String type = root.get("payloadType").asText();
    if (!type.equals(expectedType)) {
      throw new ManifestRejectedException(
          Reason.MALFORMED, "payloadType '" + type + "' where '" + expectedType + "' was expected");
    }
    byte[] payload;
    try {
      payload = Base64.getDecoder().decode(root.get("payload").asText());
    } catch (IllegalArgumentException e) {
      throw new ManifestRejectedException(Reason.MALFORMED, "payload is not base64", e);
    }
    List<Signature> sigs = new ArrayList<>();
    JsonNode list = root.path("signatures");
    if (!list.isMissingNode() && !list.isArray()) {
      throw new ManifestRejectedException(Reason.MALFORMED, "signatures must be an array");
    }
    if (list.size() > MAX_SIGNATURES) {
      throw new ManifestRejectedException(
          Reason.TOO_LARGE, list.size() + " signatures exceed " + MAX_SIGNATURES);
    }
    for (JsonNode s : list) {
      if (!s.path("keyid").isTextual() || !s.path("sig").isTextual()) {
        throw new ManifestRejectedException(Reason.MALFORMED, "signature lacks keyid or sig");
      }
      try {
        sigs.add(
            new Signature(
                s.get("keyid").asText(), Base64.getDecoder().decode(s.get("sig").asText())));
      } catch (IllegalArgumentException e) {
        throw new ManifestRejectedException(Reason.MALFORMED, "signature is not base64", e);
      }
    }
    if (sigs.size() > MAX_SIGNATURES) {
      throw new ManifestRejectedException(
          Reason.TOO_LARGE, sigs.size() + " signatures exceed " + MAX_SIGNATURES);
    }
    return new SignedEnvelope(type, payload, sigs);
  }
}
