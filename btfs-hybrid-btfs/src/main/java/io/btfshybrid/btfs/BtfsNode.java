package io.btfshybrid.btfs;

import io.btfshybrid.api.Locator;
import java.net.URI;
import java.time.Duration;

/**
 * What every operation of one {@link BtfsTier} shares: its id, settings and the connection to its
 * node; hands out {@link NodeCall}s and locators.
 *
 * @param id the tier's id
 * @param rpc the connection to the node
 * @param gatewayUrl the gateway reads fall back to, or null
 * @param pathNamespace {@code btfs} or {@code ipfs}: the first segment of content paths
 * @param requestTimeout how long the node may look for content (its {@code timeout} argument)
 * @param readTimeout how long the client waits for an answer: the request timeout and a margin
 * @param writeTimeout how long add's answer may take after the upload
 * @param profile how writes build their DAG
 * @param trustless whether reads verify every block
 * @param reads the threads and bounds of parallel reads
 */
record BtfsNode(
    String id,
    BtfsRpc rpc,
    URI gatewayUrl,
    String pathNamespace,
    Duration requestTimeout,
    Duration readTimeout,
    Duration writeTimeout,
    CidProfile profile,
    boolean trustless,
    ReadPool reads)
    implements AutoCloseable {

  /** The shared state of a tier built by {@code b}. */
  static BtfsNode of(BtfsTier.Builder b) {
    String namespace =
        b.pathNamespace != null
            ? b.pathNamespace
            : b.apiPrefix.startsWith("/api/v0") ? "ipfs" : "btfs";
    Duration margin = b.requestTimeout.dividedBy(2);
    Duration readTimeout =
        b.requestTimeout.plus(
            margin.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : margin);
    Duration stall = b.stallTimeout != null ? b.stallTimeout : readTimeout;
    BtfsRpc rpc =
        new BtfsRpc(b.id, b.apiUrl, b.apiPrefix, b.connectTimeout, stall, b.maxConnections);
    return new BtfsNode(
        b.id,
        rpc,
        b.gatewayUrl,
        namespace,
        b.requestTimeout,
        readTimeout,
        b.writeTimeout,
        b.profile,
        b.trustless,
        ReadPool.create(b.id, b.maxConnections, b.readParallelism, b.readAheadBytes));
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
    reads.close();
    rpc.close();
  }
}
