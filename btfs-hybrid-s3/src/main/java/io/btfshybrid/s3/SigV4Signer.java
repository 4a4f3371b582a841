package io.btfshybrid.s3;

import com.google.common.hash.Hashing;
import com.google.common.io.BaseEncoding;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * AWS Signature Version 4 for S3 (header-based). The caller hands in the path and query string
 * already encoded the way S3 expects them ({@link S3Addressing}); this class builds the canonical
 * request, the string to sign and the {@code Authorization} header.
 */
final class SigV4Signer {
  static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
  static final String EMPTY_PAYLOAD_SHA256 = sha256Hex(new byte[0]);

  private static final String ALGORITHM = "AWS4-HMAC-SHA256";
  private static final String SERVICE = "s3";
  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final S3Credentials credentials;
  private final String region;
  private volatile SigningKey cachedKey;

  SigV4Signer(S3Credentials credentials, String region) {
    this.credentials = credentials;
    this.region = region;
  }

  /**
   * The headers to add to the request so that S3 accepts it: {@code x-amz-date}, {@code
   * x-amz-content-sha256}, {@code x-amz-security-token} when there is a session token, and {@code
   * Authorization}. {@code headers} are the other headers to sign (host is added here).
   */
  Map<String, String> sign(
      String method,
      String host,
      String canonicalPath,
      String canonicalQuery,
      Map<String, String> headers,
      String payloadHash,
      Instant now) {
    String amzDate = AMZ_DATE.format(now);
    String date = amzDate.substring(0, 8);
    Map<String, String> added = new LinkedHashMap<>();
    added.put("x-amz-date", amzDate);
    added.put("x-amz-content-sha256", payloadHash);
    credentials.sessionToken().ifPresent(token -> added.put("x-amz-security-token", token));

    NavigableMap<String, String> signed = new TreeMap<>();
    signed.put("host", host);
    headers.forEach(
        (name, value) -> signed.put(name.toLowerCase(Locale.ROOT), canonicalValue(value)));
    added.forEach(signed::put);
    String signedHeaders = String.join(";", signed.keySet());

    String canonicalRequest =
        canonicalRequest(method, canonicalPath, canonicalQuery, signed, payloadHash);
    String scope = date + "/" + region + "/" + SERVICE + "/aws4_request";
    String stringToSign =
        ALGORITHM + "\n" + amzDate + "\n" + scope + "\n" + sha256Hex(utf8(canonicalRequest));
    String signature =
        BaseEncoding.base16().lowerCase().encode(hmac(signingKey(date), stringToSign));
    added.put(
        "Authorization",
        ALGORITHM
            + " Credential="
            + credentials.accessKeyId()
            + "/"
            + scope
            + ",SignedHeaders="
            + signedHeaders
            + ",Signature="
            + signature);
    return added;
  }

  /** The canonical request of SigV4: method, path, query, sorted headers, their names, hash. */
  static String canonicalRequest(
      String method,
      String canonicalPath,
      String canonicalQuery,
      NavigableMap<String, String> lowerCaseHeaders,
      String payloadHash) {
    String headerLines =
        lowerCaseHeaders.entrySet().stream()
            .map(e -> e.getKey() + ":" + e.getValue() + "\n")
            .collect(Collectors.joining());
    return method
        + "\n"
        + canonicalPath
        + "\n"
        + canonicalQuery
        + "\n"
        + headerLines
        + "\n"
        + String.join(";", lowerCaseHeaders.keySet())
        + "\n"
        + payloadHash;
  }

  /**
   * {@code text} with the secret key and the session token replaced by {@code [redacted]}: error
   * bodies are quoted in messages, and a server may echo what it was sent.
   */
  byte[] redact(byte[] text) {
    if (text == null || text.length == 0) {
      return text;
    }
    String original = new String(text, StandardCharsets.UTF_8);
    String redacted = redact(original);
    return redacted.equals(original) ? text : utf8(redacted);
  }

  /** {@code text} with the secret key and the session token replaced by {@code [redacted]}. */
  String redact(String text) {
    String redacted = text.replace(credentials.secretAccessKey(), "[redacted]");
    if (credentials.sessionToken().isPresent()) {
      redacted = redacted.replace(credentials.sessionToken().get(), "[redacted]");
    }
    return redacted;
  }

  @Override
  public String toString() {
    return "SigV4Signer[" + credentials + ", " + region + "]";
  }

  static String sha256Hex(byte[] bytes) {
    return Hashing.sha256().hashBytes(bytes).toString();
  }

  static String sha256Hex(byte[] bytes, int offset, int length) {
    return Hashing.sha256().hashBytes(bytes, offset, length).toString();
  }

  private byte[] signingKey(String date) {
    SigningKey key = cachedKey;
    if (key == null || !key.date().equals(date)) {
      byte[] k = utf8("AWS4" + credentials.secretAccessKey());
      k = hmac(k, date);
      k = hmac(k, region);
      k = hmac(k, SERVICE);
      k = hmac(k, "aws4_request");
      key = new SigningKey(date, k);
      cachedKey = key;
    }
    return key.key();
  }

  private static String canonicalValue(String value) {
    return value.strip().replaceAll("\\s+", " ");
  }

  private static byte[] hmac(byte[] key, String data) {
    return Hashing.hmacSha256(key).hashBytes(utf8(data)).asBytes();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @SuppressWarnings(
      "ArrayRecordComponent") // internal value; its array is never compared or exposed to callers
  private record SigningKey(String date, byte[] key) {}
}
