package io.btfshybrid.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The signer against AWS's published "GET object" example of header-based SigV4 for S3. */
class SigV4SignerTest {
  // Published in the Amazon S3 API reference, "Signature Calculations for the Authorization
  // Header", example "GET Object" (examplebucket, test.txt, Range bytes=0-9, 2013-05-24).
  private static final String ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE";
  private static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  private static final Instant EXAMPLE_TIME = Instant.parse("2013-05-24T00:00:00Z");
  private static final String EXPECTED_CANONICAL_REQUEST_SHA256 =
      "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972";
  private static final String EXPECTED_AUTHORIZATION =
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
          + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
          + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41";

  private final SigV4Signer signer =
      new SigV4Signer(new S3Credentials(ACCESS_KEY, SECRET_KEY, Optional.empty()), "us-east-1");

  @Test
  void signsThePublishedGetObjectExample() {
    Map<String, String> headers =
        signer.sign(
            "GET",
            "examplebucket.s3.amazonaws.com",
            "/test.txt",
            "",
            Map.of("Range", "bytes=0-9"),
            SigV4Signer.EMPTY_PAYLOAD_SHA256,
            EXAMPLE_TIME);

    assertEquals(EXPECTED_AUTHORIZATION, headers.get("Authorization"));
    assertEquals("20130524T000000Z", headers.get("x-amz-date"));
    assertEquals(
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        headers.get("x-amz-content-sha256"));
    assertFalse(headers.containsKey("x-amz-security-token"));
  }

  @Test
  void canonicalRequestOfTheExampleHashesToThePublishedValue() {
    NavigableMap<String, String> headers = new TreeMap<>();
    headers.put("host", "examplebucket.s3.amazonaws.com");
    headers.put("range", "bytes=0-9");
    headers.put("x-amz-content-sha256", SigV4Signer.EMPTY_PAYLOAD_SHA256);
    headers.put("x-amz-date", "20130524T000000Z");
    String canonical =
        SigV4Signer.canonicalRequest(
            "GET", "/test.txt", "", headers, SigV4Signer.EMPTY_PAYLOAD_SHA256);

    assertEquals(
        EXPECTED_CANONICAL_REQUEST_SHA256,
        SigV4Signer.sha256Hex(canonical.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void sessionTokenIsSentAndSigned() {
    SigV4Signer withToken =
        new SigV4Signer(
            new S3Credentials(ACCESS_KEY, SECRET_KEY, Optional.of("token-1")), "us-east-1");
    Map<String, String> headers =
        withToken.sign(
            "GET",
            "examplebucket.s3.amazonaws.com",
            "/test.txt",
            "",
            Map.of("Range", "bytes=0-9"),
            SigV4Signer.EMPTY_PAYLOAD_SHA256,
            EXAMPLE_TIME);

    assertEquals("token-1", headers.get("x-amz-security-token"));
    assertTrue(
        headers
            .get("Authorization")
            .contains(
                "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date;x-amz-security-token,"),
        headers.get("Authorization"));
    assertNotEquals(EXPECTED_AUTHORIZATION, headers.get("Authorization"));
  }

  @Test
  void headerValuesAreTrimmedAndInnerSpacesCollapsed() {
    Map<String, String> spaced =
        signer.sign(
            "GET",
            "examplebucket.s3.amazonaws.com",
            "/test.txt",
            "",
            Map.of("Range", "  bytes=0-9  "),
            SigV4Signer.EMPTY_PAYLOAD_SHA256,
            EXAMPLE_TIME);

    assertEquals(EXPECTED_AUTHORIZATION, spaced.get("Authorization"));
  }
}
