package io.btfshybrid.btfs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.NameValuePair;
import org.apache.hc.core5.http.message.BasicNameValuePair;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.net.URIBuilder;
import org.apache.hc.core5.util.Timeout;

/**
 * The HTTP side of a BTFS node: every RPC a POST to {@code <api><prefix>/<command>} with its
 * arguments in the query string, non-200 answers turned into {@link BtfsNodeException}s, and plain
 * GETs to the gateway. One pooled HttpClient 5 per tier.
 */
final class BtfsRpc implements Closeable {
  /** Never contains {@code /go-btfs/} (a rule for clients of BTFS nodes, see PEERS.md). */
  static final String USER_AGENT = "btfs-hybrid-java/0.1";

  private static final int MAX_ERROR_BODY = 64 * 1024;
  private static final int MAX_JSON_BODY = 16 << 20;

  private final CloseableHttpClient http;
  private final String apiBase;
  private final ObjectMapper json = new ObjectMapper();

  BtfsRpc(URI apiUrl, String apiPrefix, Duration connectTimeout, int maxConnections) {
    String base = apiUrl.toString().replaceAll("/+$", "");
    String prefix = apiPrefix.startsWith("/") ? apiPrefix : "/" + apiPrefix;
    this.apiBase = base + prefix.replaceAll("/+$", "");
    this.http =
        HttpClients.custom()
            .setConnectionManager(
                PoolingHttpClientConnectionManagerBuilder.create()
                    .setMaxConnTotal(maxConnections)
                    .setMaxConnPerRoute(maxConnections)
                    .setDefaultConnectionConfig(
                        ConnectionConfig.custom()
                            .setConnectTimeout(Timeout.of(connectTimeout))
                            .build())
                    .build())
            .setUserAgent(USER_AGENT)
            .disableAutomaticRetries()
            .disableRedirectHandling()
            .build();
  }

  ObjectMapper json() {
    return json;
  }

  static List<NameValuePair> args(String... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("names and values come in pairs");
    }
    NameValuePair[] out = new NameValuePair[namesAndValues.length / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = new BasicNameValuePair(namesAndValues[2 * i], namesAndValues[2 * i + 1]);
    }
    return List.of(out);
  }

  /**
   * Opens an RPC and returns its 200 response for streaming (the caller closes it); any other
   * status becomes a {@link BtfsNodeException} carrying the node's message.
   */
  ClassicHttpResponse open(
      String command, List<NameValuePair> params, HttpEntity body, Duration responseTimeout)
      throws IOException {
    URI uri;
    try {
      uri = new URIBuilder(apiBase + "/" + command).addParameters(params).build();
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("bad RPC URI for '" + command + "': " + e.getMessage(), e);
    }
    HttpPost post = new HttpPost(uri);
    if (body != null) {
      post.setEntity(body);
    }
    ClassicHttpResponse response = execute(command, post, responseTimeout);
    if (response.getCode() != 200) {
      try (response) {
        throw nodeError(command, response);
      }
    }
    return response;
  }

  /** Runs an RPC whose answer is one (small) JSON value; an empty body reads as JSON null. */
  JsonNode call(String command, List<NameValuePair> params, Duration responseTimeout)
      throws IOException {
    try (ClassicHttpResponse response = open(command, params, null, responseTimeout)) {
      byte[] body = readLimited(response, MAX_JSON_BODY);
      String text = new String(body, StandardCharsets.UTF_8).trim();
      if (text.isEmpty()) {
        return NullNode.getInstance();
      }
      int newline = text.indexOf('\n');
      return json.readTree(newline < 0 ? text : text.substring(0, newline));
    }
  }

  /** A GET with headers, for gateways; returns the response whatever its status. */
  ClassicHttpResponse get(URI uri, Map<String, String> headers, Duration responseTimeout)
      throws IOException {
    HttpGet get = new HttpGet(uri);
    headers.forEach(get::setHeader);
    return execute("gateway GET", get, responseTimeout);
  }

  /**
   * Sends a request; a node that cannot be reached is a {@link BtfsNodeException} with status 0.
   */
  private ClassicHttpResponse execute(
      String command, HttpUriRequestBase request, Duration responseTimeout) throws IOException {
    request.setConfig(
        RequestConfig.custom().setResponseTimeout(Timeout.of(responseTimeout)).build());
    URI uri;
    try {
      uri = request.getUri();
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    try {
      return http.executeOpen(
          new HttpHost(uri.getScheme(), uri.getHost(), uri.getPort()), request, null);
    } catch (ConnectException | UnknownHostException | NoRouteToHostException e) {
      BtfsNodeException unreachable =
          new BtfsNodeException(
              command,
              0,
              "cannot reach "
                  + uri.getScheme()
                  + "://"
                  + uri.getAuthority()
                  + ": "
                  + e.getMessage(),
              -1);
      unreachable.initCause(e);
      throw unreachable;
    }
  }

  private BtfsNodeException nodeError(String command, ClassicHttpResponse response) {
    String text;
    try {
      text = new String(readLimited(response, MAX_ERROR_BODY), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      text = "(error body unreadable: " + e.getMessage() + ")";
    }
    String message = text.isEmpty() ? response.getReasonPhrase() : text;
    int code = -1;
    if (text.startsWith("{")) {
      try {
        JsonNode node = json.readTree(text);
        if (node.hasNonNull("Message")) {
          message = node.get("Message").asText();
        }
        code = node.path("Code").asInt(-1);
      } catch (IOException e) {
        // not JSON after all: keep the text
      }
    }
    return new BtfsNodeException(command, response.getCode(), message, code);
  }

  static byte[] readLimited(ClassicHttpResponse response, int limit) throws IOException {
    HttpEntity entity = response.getEntity();
    if (entity == null) {
      return new byte[0];
    }
    try (InputStream in = entity.getContent()) {
      byte[] bytes = in.readNBytes(limit + 1);
      if (bytes.length > limit) {
        throw new IOException("response body is larger than " + limit + " bytes");
      }
      return bytes;
    }
  }

  @Override
  public void close() {
    http.close(CloseMode.GRACEFUL);
  }
}
