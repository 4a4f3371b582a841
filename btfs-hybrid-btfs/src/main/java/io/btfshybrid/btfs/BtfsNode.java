package io.btfshybrid.btfs;

import io.btfshybrid.api.Locator;
import java.net.URI;
import java.time.Duration;

/**
 * What every operation of one {@link BtfsTier} shares: its id, settings and the connection to its
 * node; hands out {@link NodeCall}s and locators.
 */
final class BtfsNode implements AutoCloseable {
  private final String id;
  private final BtfsRpc rpc;
  private final URI gatewayUrl;
  private final String pathNamespace;
  private final Duration requestTimeout;
  private final Duration readTimeout;
  private final Duration writeTimeout;
  private final CidProfile profile;
  private final boolean trustless;

  BtfsNode(BtfsTier.Builder b) {
    this.id = b.id;
    this.gatewayUrl = b.gatewayUrl;
    this.pathNamespace =
        b.pathNamespace != null
            ? b.pathNamespace
            : b.apiPrefix.startsWith("/api/v0") ? "ipfs" : "btfs";
    this.requestTimeout = b.requestTimeout;
    Duration margin = b.requestTimeout.dividedBy(2);
    this.readTimeout =
        b.requestTimeout.plus(
            margin.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : margin);
    this.writeTimeout = b.writeTimeout;
    this.profile = b.profile;
    this.trustless = b.trustless;
    Duration stall = b.stallTimeout != null ? b.stallTimeout : readTimeout;
    this.rpc = new BtfsRpc(id, b.apiUrl, b.apiPrefix, b.connectTimeout, stall, b.maxConnections);
  }

  String id() {
    return id;
  }

  BtfsRpc rpc() {
    return rpc;
  }

  /** The gateway reads fall back to, or null. */
  URI gatewayUrl() {
    return gatewayUrl;
  }

  /** {@code btfs} or {@code ipfs}: the first segment of content paths. */
  String pathNamespace() {
    return pathNamespace;
  }

  /** How long the node may look for content (its {@code timeout} argument). */
  Duration requestTimeout() {
    return requestTimeout;
  }

  /** How long the client waits for an answer: the request timeout and a margin. */
  Duration readTimeout() {
    return readTimeout;
  }

  /** How long add's answer may take after the upload. */
  Duration writeTimeout() {
    return writeTimeout;
  }

  CidProfile profile() {
    return profile;
  }

  boolean trustless() {
    return trustless;
  }

  /** A new call of {@code command}. */
  NodeCall call(String command) {
    return new NodeCall(this, command);
  }

  /** The locator of {@code cid} on this tier. */
  Locator locator(Cid cid) {
    return new Locator(id, URI.create(BtfsTier.SCHEME + "://" + cid));
  }

  @Override
  public void close() {
    rpc.close();
  }
}
