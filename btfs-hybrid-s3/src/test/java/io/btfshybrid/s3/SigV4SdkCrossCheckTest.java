package io.btfshybrid.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * Our signer and the AWS SDK v2 signer produce the same Authorization header for awkward keys,
 * query strings, both addressing styles and a session token.
 */
class SigV4SdkCrossCheckTest {
  private static final Instant NOW = Instant.parse("2026-03-04T05:06:07Z");

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "examplebucket.s3.amazonaws.com | false | a b/c+d/été/x~y/日本",
        "127.0.0.1:9000 | true | odd !$&'()*,;=@[]%.bin",
        "examplebucket.s3.eu-west-1.amazonaws.com | false | deeply/nested/slashes/k",
      })
  void sameAuthorizationAsTheSdk(String endpointHost, boolean pathStyle, String key) {
    S3Credentials credentials =
        new S3Credentials("AKIDEXAMPLE", "secret/with+chars", Optional.of("session-token=="));
    String region = endpointHost.contains("eu-west-1") ? "eu-west-1" : "us-east-1";
    String host = pathStyle ? endpointHost : endpointHost.substring(endpointHost.indexOf('.') + 1);
    S3Addressing addressing =
        new S3Addressing(URI.create("https://" + host), "examplebucket", pathStyle);
    SortedMap<String, String> query = new TreeMap<>();
    query.put("prefix", "a b/c");
    query.put("continuation-token", "x+y=/z");
    query.put("uploads", "");
    String payloadHash = SigV4Signer.EMPTY_PAYLOAD_SHA256;

    Map<String, String> ours =
        new SigV4Signer(credentials, region)
            .sign(
                "GET",
                addressing.hostHeader(),
                addressing.path(key),
                S3Addressing.query(query),
                Map.of("Range", "bytes=0-9"),
                payloadHash,
                NOW);

    SdkHttpRequest.Builder request =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.GET)
            .uri(URI.create("https://" + addressing.hostHeader() + addressing.path(key)))
            .putHeader("Range", "bytes=0-9")
            .putHeader("x-amz-content-sha256", payloadHash);
    query.forEach(request::putRawQueryParameter);
    SignedRequest theirs =
        AwsV4HttpSigner.create()
            .sign(
                r ->
                    r.identity(
                            AwsSessionCredentialsIdentity.create(
                                credentials.accessKeyId(),
                                credentials.secretAccessKey(),
                                credentials.sessionToken().orElseThrow()))
                        .request(request.build())
                        .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "s3")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                        .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
                        .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false)
                        .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, true)
                        .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(NOW, ZoneOffset.UTC)));

    // The SDK separates the parts with ", ", we with ","; both are valid, the rest must match.
    assertEquals(
        theirs.request().firstMatchingHeader("Authorization").orElseThrow().replace(", ", ","),
        ours.get("Authorization"));
  }
}
