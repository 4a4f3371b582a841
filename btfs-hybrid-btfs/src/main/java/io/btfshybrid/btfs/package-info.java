/**
 * The BTFS tier: {@link io.btfshybrid.btfs.BtfsTier} talks to a BTFS node's HTTP RPC API (or an
 * IPFS node's, with {@code apiPrefix("/api/v0")}) and optionally a gateway; objects are named by
 * content as {@code btfs://<cid>}.
 *
 * <p>{@link io.btfshybrid.btfs.Cid} parses, prints and computes content identifiers: {@link
 * io.btfshybrid.btfs.Cid#compute} and {@link io.btfshybrid.btfs.UnixFsDagBuilder} build the same
 * UnixFS DAG as {@code add} (256 KiB chunks, balanced, 174 links per node) in one streaming pass
 * with bounded memory. {@link io.btfshybrid.btfs.UnixFs#open} reads a file back from blocks,
 * proving every block against its CID, so an untrusted node or gateway cannot pass off wrong bytes;
 * {@code BtfsTier.builder().trustless(true)} reads that way.
 *
 * <p>The content-addressing kit is a deliberate public API, for tools and test nodes (the testkit's
 * {@code BtfsNodeSimulator} is built on it): {@link io.btfshybrid.btfs.Cid} and {@link
 * io.btfshybrid.btfs.CidProfile}; {@link io.btfshybrid.btfs.UnixFsDagBuilder}, which hands each
 * block it builds to a {@link io.btfshybrid.btfs.BlockSink}; {@link io.btfshybrid.btfs.UnixFs},
 * which reads verified files from any {@link io.btfshybrid.btfs.BlockSource}; and {@link
 * io.btfshybrid.btfs.Car}, which exports a DAG as a CARv1 stream. Everything else (the HTTP client,
 * replies, parsing) is package-private behind {@code BtfsTier} and its builder.
 *
 * <p>Every reply from a node or gateway is bounded before it is parsed, must make progress within
 * the tier's stall timeout ({@link io.btfshybrid.btfs.BtfsStalledException} otherwise), and is
 * abandoned, never drained, when closed before its end.
 *
 * <pre>{@code
 * try (BtfsTier btfs = BtfsTier.builder().id("btfs").apiUrl(URI.create("http://127.0.0.1:5001"))
 *     .gatewayUrl(URI.create("http://127.0.0.1:8080")).requestTimeout(Duration.ofSeconds(30)).build()) {
 *   Locator where = btfs.write("blobs/abc", in, size);        // btfs://bafy…, checked against a local CID
 *   try (InputStream range = btfs.read(where, 1 << 20, 4096)) { … }
 *   btfs.storageUpload(BtfsTier.cidOf(where), 3, 30);         // paid storage, polled until complete
 * }
 * }</pre>
 */
package io.btfshybrid.btfs;
