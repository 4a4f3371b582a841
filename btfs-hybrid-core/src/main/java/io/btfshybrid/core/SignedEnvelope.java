package io.btfshybrid.core;

import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.btfshybrid.api.ManifestRejectedException;
import io.btfshybrid.api.ManifestRejectedException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
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

  /** Longest payload type, key id or signature text. */
  private static final int MAX_SHORT_TEXT = 1024;

  /** Room in an envelope beyond its base64 payload: type, signatures, syntax. */
  static final int ENVELOPE_OVERHEAD_BYTES = 256 * 1024;

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
    checkSignable(payloadType, payload);
    List<Signature> sigs = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (ManifestSigner signer : signers) {
      if (seen.add(signer.keyId())) {
        sigs.add(signer.sign(payloadType, payload));
      }
    }
    return new SignedEnvelope(payloadType, payload, sigs);
  }

  /**
   * Refuses to sign what no client would open: a payload over {@link #maxPayloadBytes} of its type
   * (a {@link ManifestRejectedException} TOO_LARGE naming the limit, as the unchecked cause).
   */
  static void checkSignable(String payloadType, byte[] payload) {
    int limit = maxPayloadBytes(payloadType);
    if (payload.length > limit) {
      throw new UncheckedIOException(
          new ManifestRejectedException(
              Reason.TOO_LARGE,
              "a "
                  + payloadType
                  + " payload of "
                  + payload.length
                  + " bytes exceeds the limit of "
                  + limit
                  + " bytes that clients open"));
    }
  }

  byte[] signedBytes() {
    return preAuthEncoding(payloadType, payload);
  }

  String payloadSha256() {
    return Digests.sha256Hex(payload);
  }

  /** The envelope as JSON, written by a streaming generator (the payload never becomes text). */
  byte[] toJson() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length / 3 * 4 + 1024);
    try (JsonGenerator g = ManifestCodec.JSON.getFactory().createGenerator(out)) {
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeStringField("payloadType", payloadType);
      g.writeFieldName("payload");
      g.writeBinary(Base64Variants.MIME_NO_LINEFEEDS, payload, 0, payload.length);
      g.writeArrayFieldStart("signatures");
      for (Signature s : signatures) {
        g.writeStartObject();
        g.writeStringField("keyid", s.keyId());
        g.writeStringField("sig", Base64.getEncoder().encodeToString(s.bytes()));
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * The largest payload a document of {@code payloadType} may carry: the one limit the publisher
   * (signing) and the client (parsing) share.
   */
  static int maxPayloadBytes(String payloadType) {
    return switch (payloadType) {
      case MANIFEST_TYPE -> ManifestCodec.MAX_MANIFEST_BYTES;
      case LATEST_TYPE -> LatestPointer.MAX_DOCUMENT_BYTES;
      case TRUST_ROOT_TYPE -> TrustRoot.MAX_DOCUMENT_BYTES;
      default -> throw new IllegalArgumentException("unknown payload type '" + payloadType + "'");
    };
  }

  /** The largest envelope carrying a payload of {@code payloadType}: its base64 plus signatures. */
  static int maxEnvelopeBytes(String payloadType) {
    long base64 = 4L * ((maxPayloadBytes(payloadType) + 2L) / 3);
    return Math.toIntExact(base64 + ENVELOPE_OVERHEAD_BYTES);
  }

  /**
   * Parses a signed document of {@code expectedType} with a streaming parser, refusing anything
   * malformed or over the limits of that type before much memory is spent: no JSON tree is built,
   * the payload is decoded from base64 while it is read and at most {@link #maxPayloadBytes} of it
   * are kept.
   */
  static SignedEnvelope parse(byte[] json, String expectedType) throws ManifestRejectedException {
    int maxEnvelope = maxEnvelopeBytes(expectedType);
    if (json.length > maxEnvelope) {
      throw new ManifestRejectedException(
          Reason.TOO_LARGE,
          "signed document of "
              + json.length
              + " bytes exceeds the limit of "
              + maxEnvelope
              + " bytes for "
              + expectedType);
    }
    StreamReadConstraints limits =
        StreamReadConstraints.builder()
            .maxNestingDepth(3)
            .maxNumberLength(32)
            .maxNameLength(256)
            .maxStringLength(maxEnvelope)
            .maxDocumentLength(maxEnvelope)
            .build();
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(limits)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    try (JsonParser p = factory.createParser(json)) {
      return new EnvelopeReader(p, expectedType).read();
    } catch (StreamConstraintsException e) {
      throw new ManifestRejectedException(
          Reason.TOO_LARGE, "signed document exceeds a parser limit: " + e.getOriginalMessage(), e);
    } catch (ManifestRejectedException e) {
      throw e;
    } catch (IOException | IllegalArgumentException e) {
      throw new ManifestRejectedException(
          Reason.MALFORMED, "signed document is not valid JSON: " + e.getMessage(), e);
    }
  }

  /** Reads one envelope token by token; what it keeps is bounded by the envelope's limits. */
  private static final class EnvelopeReader {
    private final JsonParser p;
    private final String expectedType;

    EnvelopeReader(JsonParser p, String expectedType) {
      this.p = p;
      this.expectedType = expectedType;
    }

    SignedEnvelope read() throws IOException {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw malformed("a signed document must be a JSON object");
      }
      String type = null;
      byte[] payload = null;
      List<Signature> sigs = new ArrayList<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        switch (name) {
          case "payloadType" -> type = checkType(shortText(value, "payloadType"));
          case "payload" -> payload = payload(value);
          case "signatures" -> signatures(value, sigs);
          default -> p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        throw malformed("trailing content after the signed document");
      }
      if (type == null || payload == null) {
        throw malformed("not a signed btfs-hybrid document (payloadType/payload missing)");
      }
      return new SignedEnvelope(type, payload, sigs);
    }

    private String checkType(String type) throws ManifestRejectedException {
      if (!type.equals(expectedType)) {
        throw malformed("payloadType '" + type + "' where '" + expectedType + "' was expected");
      }
      return type;
    }

    private byte[] payload(JsonToken value) throws IOException {
      if (value != JsonToken.VALUE_STRING) {
        throw malformed("payload must be a base64 string");
      }
      int limit = maxPayloadBytes(expectedType);
      LimitedSink sink = new LimitedSink(limit);
      try {
        p.readBinaryValue(Base64Variants.MIME_NO_LINEFEEDS, sink);
      } catch (LimitedSink.Overflow e) {
        throw new ManifestRejectedException(
            Reason.TOO_LARGE,
            "payload is larger than the limit of " + limit + " bytes for " + expectedType);
      } catch (JsonProcessingException e) {
        throw new ManifestRejectedException(
            Reason.MALFORMED, "payload is not base64: " + e.getOriginalMessage(), e);
      }
      return sink.bytes();
    }

    private void signatures(JsonToken value, List<Signature> out) throws IOException {
      if (value != JsonToken.START_ARRAY) {
        throw malformed("signatures must be an array");
      }
      while (p.nextToken() != JsonToken.END_ARRAY) {
        if (out.size() == MAX_SIGNATURES) {
          throw new ManifestRejectedException(
              Reason.TOO_LARGE, "more than " + MAX_SIGNATURES + " signatures");
        }
        if (p.currentToken() != JsonToken.START_OBJECT) {
          throw malformed("signature lacks keyid or sig");
        }
        String keyId = null;
        String sig = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonToken v = p.nextToken();
          switch (name) {
            case "keyid" -> keyId = shortText(v, "keyid");
            case "sig" -> sig = shortText(v, "sig");
            default -> p.skipChildren();
          }
        }
        if (keyId == null || sig == null) {
          throw malformed("signature lacks keyid or sig");
        }
        try {
          out.add(new Signature(keyId, Base64.getDecoder().decode(sig)));
        } catch (IllegalArgumentException e) {
          throw new ManifestRejectedException(Reason.MALFORMED, "signature is not base64", e);
        }
      }
    }

    private String shortText(JsonToken value, String field) throws IOException {
      if (value != JsonToken.VALUE_STRING) {
        throw malformed("'" + field + "' must be a string");
      }
      if (p.getTextLength() > MAX_SHORT_TEXT) {
        throw new ManifestRejectedException(
            Reason.TOO_LARGE, "'" + field + "' is longer than " + MAX_SHORT_TEXT + " characters");
      }
      return p.getText();
    }

    private static ManifestRejectedException malformed(String detail) {
      return new ManifestRejectedException(Reason.MALFORMED, detail);
    }
  }

  /** Collects decoded payload bytes, refusing the first byte past the limit. */
  private static final class LimitedSink extends OutputStream {
    /** Thrown through Jackson's decoder when the payload is over the limit. */
    static final class Overflow extends IOException {
      private static final long serialVersionUID = 1L;
    }

    private final int limit;
    private byte[] buf = new byte[8192];
    private int count;

    LimitedSink(int limit) {
      this.limit = limit;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (len > limit - count) {
        throw new Overflow();
      }
      if (count + len > buf.length) {
        buf = Arrays.copyOf(buf, (int) Math.min(limit, Math.max(2L * buf.length, count + len)));
      }
      System.arraycopy(b, off, buf, count, len);
      count += len;
    }

    byte[] bytes() {
      return Arrays.copyOf(buf, count);
    }
  }
}
