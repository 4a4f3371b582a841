package io.btfshybrid.s3;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.escape.Escaper;
import com.google.common.net.PercentEscaper;
import java.net.URI;
import java.util.Locale;
import java.util.SortedMap;
import java.util.stream.Collectors;
import org.apache.hc.core5.http.HttpHost;

/**
 * Where a bucket and key are reached over HTTP: path-style ({@code host/bucket/key}) or
 * virtual-hosted ({@code bucket.host/key}), with keys percent-encoded as SigV4 wants them (every
 * byte but {@code A-Z a-z 0-9 - _ . ~} encoded, slashes kept in paths), so that the path we sign is
 * exactly the path we send.
 */
final class S3Addressing {
  private static final Escaper PATH_ESCAPER = new PercentEscaper("-_.~/", false);
  private static final Escaper QUERY_ESCAPER = new PercentEscaper("-_.~", false);

  private final String scheme;
  private final String bucket;
  private final HttpHost host;
  private final String basePath;
  private final boolean pathStyle;

  S3Addressing(URI endpoint, String bucket, boolean pathStyle) {
    checkArgument(
        endpoint.getScheme() != null
            && ("http".equalsIgnoreCase(endpoint.getScheme())
                || "https".equalsIgnoreCase(endpoint.getScheme()))
            && endpoint.getHost() != null,
        "S3 endpoint must be an http or https URL with a host, was '%s'",
        endpoint);
    this.scheme = endpoint.getScheme().toLowerCase(Locale.ROOT);
    this.bucket = bucket;
    this.pathStyle = pathStyle;
    int defaultPort = scheme.equals("https") ? 443 : 80;
    int port = endpoint.getPort() == defaultPort ? -1 : endpoint.getPort();
    String hostName = pathStyle ? endpoint.getHost() : bucket + "." + endpoint.getHost();
    this.host = new HttpHost(scheme, hostName, port);
    String path = endpoint.getRawPath() == null ? "" : endpoint.getRawPath();
    this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  HttpHost host() {
    return host;
  }

  /** The {@code Host} header value: host, plus the port when it is not the scheme's default. */
  String hostHeader() {
    return host.toHostString();
  }

  /** The encoded path for {@code key}, or for the bucket itself when {@code key} is null. */
  String path(String key) {
    String bucketPath = pathStyle ? basePath + "/" + PATH_ESCAPER.escape(bucket) : basePath;
    if (key == null) {
      return pathStyle ? bucketPath : bucketPath + "/";
    }
    return bucketPath + "/" + PATH_ESCAPER.escape(key);
  }

  /** The canonical query string: names and values encoded, sorted by name. */
  static String query(SortedMap<String, String> parameters) {
    return parameters.entrySet().stream()
        .map(e -> QUERY_ESCAPER.escape(e.getKey()) + "=" + QUERY_ESCAPER.escape(e.getValue()))
        .sorted()
        .collect(Collectors.joining("&"));
  }

  /** The full request URI, already encoded; HttpClient sends its raw path and query verbatim. */
  URI uri(String key, SortedMap<String, String> parameters) {
    String query = query(parameters);
    return URI.create(host.toURI() + path(key) + (query.isEmpty() ? "" : "?" + query));
  }

  /** The human-readable {@code s3://bucket/key} form used in messages. */
  String describe(String key) {
    return "s3://" + bucket + "/" + (key == null ? "" : key);
  }
}
