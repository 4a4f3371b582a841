package io.btfshybrid.testkit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.btfshybrid.s3.S3Tier;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * testkit users get both a real S3 server and WireMock in one JVM (their Jetty versions differ).
 */
class S3AndWireMockTogetherTest {
  @Test
  void bothStartAndServe() throws Exception {
    WireMockServer wiremock = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    try (S3TestServer s3 = S3TestServer.start();
        S3Tier tier = s3.newTier("cloud")) {
      wiremock.start();
      wiremock.stubFor(get("/fault").willReturn(aResponse().withStatus(503).withBody("SlowDown")));
      byte[] bytes = "both servers up".getBytes();
      var where = tier.write("k", new ByteArrayInputStream(bytes), bytes.length);
      try (InputStream in = tier.read(where, 0, -1)) {
        assertArrayEquals(bytes, in.readAllBytes());
      }
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(wiremock.baseUrl() + "/fault")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(503, r.statusCode());
    } finally {
      wiremock.stop();
    }
  }
}
