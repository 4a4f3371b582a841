package io.btfshybrid.s3;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One S3 call before signing: method, key (null for bucket-level calls), query parameters, headers
 * to sign and an optional in-memory body, which makes every request repeatable for retries.
 */
@SuppressWarnings(
    "ArrayRecordComponent") // internal value; its array is never compared or exposed to callers
record S3Request(
    String method,
    String key,
    SortedMap<String, String> query,
    Map<String, String> headers,
    byte[] body,
    int bodyOffset,
    int bodyLength,
    boolean signPayload) {

  static S3Request of(String method, String key) {
    return new S3Request(method, key, new TreeMap<>(), Map.of(), null, 0, 0, true);
  }

  S3Request withQuery(String name, String value) {
    SortedMap<String, String> copy = new TreeMap<>(query);
    copy.put(name, value);
    return new S3Request(method, key, copy, headers, body, bodyOffset, bodyLength, signPayload);
  }

  S3Request withHeader(String name, String value) {
    Map<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    copy.putAll(headers);
    copy.put(name, value);
    return new S3Request(method, key, query, copy, body, bodyOffset, bodyLength, signPayload);
  }

  /** The same request carrying {@code length} bytes of {@code bytes} from {@code offset}. */
  S3Request withBody(byte[] bytes, int offset, int length, boolean sign) {
    return new S3Request(method, key, query, headers, bytes, offset, length, sign);
  }

  String payloadHash() {
    if (body == null) {
      return SigV4Signer.EMPTY_PAYLOAD_SHA256;
    }
    return signPayload
        ? SigV4Signer.sha256Hex(body, bodyOffset, bodyLength)
        : SigV4Signer.UNSIGNED_PAYLOAD;
  }
}
