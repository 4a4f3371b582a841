package io.btfshybrid.btfs;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Closeable;
import java.io.IOException;
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
 * GETs to the gateway. Every reply is a {@link NodeReply}: stall-guarded, abandoned (not drained)
 * when closed early. One pooled HttpClient 5 per tier.
 */
final class BtfsRpc implements Closeable {
  /** Never contains {@code /go-btfs/} (a rule for clients of BTFS nodes, see PEERS.md). */
  static final String USER_AGENT = "btfs-hybrid-java/0.1";

  /** The most of an error body that is read; the rest is never downloaded. */
  static final int MAX_ERROR_BODY = 64 * 1024;

  private final CloseableHttpClient http;
  private final String apiBase;
  private final StallGuard guard;

  BtfsRpc(
      String tierId,
      URI apiUrl,
      String apiPrefix,
      Duration connectTimeout,
      Duration stallTimeout,
      int maxConnections) {
    String base = apiUrl.toString().replaceAll("/+$", "");
    String prefix = apiPrefix.startsWith("/") ? apiPrefix : "/" + apiPrefix;
    this.apiBase = base + prefix.replaceAll("/+$", "");
    this.guard = new StallGuard(tierId, stallTimeout);
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
   * Opens an RPC and returns its 200 reply for streaming (the caller closes it); any other status
   * becomes a {@link BtfsNodeException} carrying the node's message.
   */
  NodeReply open(
      String command,
      List<NameValuePair> params,
      HttpEntity body,
      Duration responseTimeout,
      String subject)
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
    NodeReply reply = execute(command, post, responseTimeout, subject);
    if (reply.code() != 200) {
      try (reply) {
        throw nodeError(command, reply);
      }
    }
    return reply;
  }

  /** A GET with headers, for gateways; returns the reply whatever its status. */
  NodeReply get(URI uri, Map<String, String> headers, Duration responseTimeout, String subject)
      throws IOException {
    HttpGet get = new HttpGet(uri);
    headers.forEach(get::setHeader);
    return execute("gateway GET", get, responseTimeout, subject);
  }

  /**
   * Sends a request; a node that cannot be reached is a {@link BtfsNodeException} with status 0.
   */
  private NodeReply execute(
      String command, HttpUriRequestBase request, Duration responseTimeout, String subject)
      throws IOException {
    request.setConfig(
        RequestConfig.custom().setResponseTimeout(Timeout.of(responseTimeout)).build());
    URI uri;
    try {
      uri = request.getUri();
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    FetchCancellation.onCancel(request::cancel);
    ClassicHttpResponse response;
    try {
      response =
          http.executeOpen(
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
    try {
      return new NodeReply(request, response, guard, subject);
    } catch (IOException | RuntimeException e) {
      request.cancel();
      response.close();
      throw e;
    }
  }

  /** The node's error from at most {@link #MAX_ERROR_BODY} bytes of its body. */
  private static BtfsNodeException nodeError(String command, NodeReply reply) {
    String text;
    try {
      byte[] head = reply.body().readNBytes(MAX_ERROR_BODY);
      text = new String(head, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      text = "(error body unreadable: " + e.getMessage() + ")";
    }
    String message = text.isEmpty() ? reply.reason() : shortened(text);
    int code = -1;
    if (text.startsWith("{")) {
      try {
        JsonNode node = BoundedJson.parse(command, text);
        if (node.hasNonNull("Message")) {
          message = node.get("Message").asText();
        }
        code = node.path("Code").asInt(-1);
      } catch (BtfsNodeException e) {
        // not JSON after all (or cut short): keep the text
      }
    }
    return new BtfsNodeException(command, reply.code(), message, code);
  }

  private static String shortened(String text) {
    return text.length() <= 1024 ? text : text.substring(0, 1024) + "… (cut)";
  }

  @Override
  public void close() {
    guard.close();
    http.close(CloseMode.GRACEFUL);
  }
}
