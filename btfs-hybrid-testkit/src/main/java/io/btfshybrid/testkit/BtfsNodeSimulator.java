package io.btfshybrid.testkit;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import io.btfshybrid.btfs.Cid;
import io.btfshybrid.btfs.CidProfile;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * An in-process BTFS node for tests: speaks the go-btfs HTTP API subset that {@code BtfsTier} uses
 * ({@code add}, {@code cat}, {@code dag/export}, {@code pin/*}, {@code block/*}, {@code
 * files/stat}, {@code id}, {@code version}, {@code storage/upload[/status]}) under {@code /api/v1}
 * and {@code /api/v0}, plus a {@code /btfs/<cid>} gateway, computing the same CIDs as a real node
 * and keeping blocks and pins in a directory. Switches inject the faults real nodes show:
 * unavailable content, corrupted blocks, 500s, stream errors in the {@code X-Stream-Error} trailer,
 * short and slow bodies, and a node that lies about the CID it stored.
 *
 * <p>Shaped like OkHttp's mockwebserver: a {@link BtfsSimDispatcher} routes each request to its
 * command, {@link BtfsSimResponses} writes the answers, and {@link BtfsSimFaults} holds the fault
 * switches (the {@code SocketPolicy}) this class's methods flip.
 */
public final class BtfsNodeSimulator implements Closeable {
  private final Path dir;
  private final boolean ownsDir;
  private final BtfsSimBlockStore store;
  private final BtfsSimFaults faults = new BtfsSimFaults();
  private final BtfsSimGate gate = new BtfsSimGate();
  private final BtfsSimDispatcher dispatcher;
  private final BtfsSimHttpServer server;

  private BtfsNodeSimulator(Path dir, boolean ownsDir) throws IOException {
    this.dir = dir;
    this.ownsDir = ownsDir;
    this.store = new BtfsSimBlockStore(dir);
    this.dispatcher = new BtfsSimDispatcher(store, faults, gate);
    this.server = new BtfsSimHttpServer(dispatcher);
  }

  /** A node keeping its blocks in a fresh temporary directory, deleted on {@link #close()}. */
  public static BtfsNodeSimulator start() throws IOException {
    return new BtfsNodeSimulator(Files.createTempDirectory("btfs-node-sim-"), true);
  }

  /** A node keeping its blocks and pins in {@code dir} (kept on close, reused when restarted). */
  public static BtfsNodeSimulator start(Path dir) throws IOException {
    return new BtfsNodeSimulator(dir, false);
  }

  /** The RPC API base URL, e.g. {@code http://127.0.0.1:41234} (RPCs under /api/v1 and /api/v0). */
  public URI apiUrl() {
    return URI.create("http://127.0.0.1:" + server.port());
  }

  /** The gateway base URL ({@code GET /btfs/<cid>}); the same server as the API. */
  public URI gatewayUrl() {
    return apiUrl();
  }

  /** Where blocks and pins are kept. */
  public Path directory() {
    return dir;
  }

  // ------------------------------------------------------------------------------------ faults

  /** Content RPCs hang until the request's {@code timeout}, then fail as go-btfs does. */
  public BtfsNodeSimulator contentUnavailable(boolean on) {
    faults.contentUnavailable = on;
    return this;
  }

  /** Blocks (block/get, the gateway's raw blocks) and cat output come back with a flipped bit. */
  public BtfsNodeSimulator corruptBlocks(boolean on) {
    faults.corruptBlocks = on;
    return this;
  }

  /** block/get and the gateway's raw blocks answer {@code cid} (only) with a flipped bit. */
  public BtfsNodeSimulator corruptBlock(Cid cid) {
    faults.corruptOnly.add(cid);
    return this;
  }

  /** cat flips a bit of the file's byte at {@code fileOffset} whenever it sends it (-1: off). */
  public BtfsNodeSimulator corruptCatAt(long fileOffset) {
    faults.corruptCatAt = fileOffset;
    return this;
  }

  /**
   * Holds every request of {@code command} (e.g. {@code "cat"} or {@code "block/get"}) at the door
   * until {@link #releaseHeld(int)} lets some through or holding stops; a test counts {@link
   * #heldArrivals()} to see how many requests a client keeps in flight at once.
   */
  public BtfsNodeSimulator holdRequests(String command, boolean on) {
    gate.hold(command, on);
    return this;
  }

  /** Lets {@code n} held requests through. */
  public BtfsNodeSimulator releaseHeld(int n) {
    gate.release(n);
    return this;
  }

  /** How many requests have arrived at the door of a held command since the last reset. */
  public int heldArrivals() {
    return gate.arrivals();
  }

  /** Waits until {@code n} held requests have arrived in all; false when {@code limit} passed. */
  public boolean awaitHeldArrivals(int n, Duration limit) {
    return gate.awaitArrivals(n, limit);
  }

  /** Every RPC answers HTTP 500 with a JSON error. */
  public BtfsNodeSimulator failAllRequests(boolean on) {
    faults.failAllRequests = on;
    return this;
  }

  /**
   * cat sends this many bytes, then ends its 200 answer with an X-Stream-Error trailer (-1: off).
   */
  public BtfsNodeSimulator streamErrorAfter(long bytes) {
    faults.streamErrorAfter = bytes;
    return this;
  }

  /** cat sends this many bytes, then ends its answer cleanly, as if that were all (-1: off). */
  public BtfsNodeSimulator truncateBodiesAfter(long bytes) {
    faults.truncateBodiesAfter = bytes;
    return this;
  }

  /** Bodies pause this long before each 64 KiB piece (zero: off). */
  public BtfsNodeSimulator slowBodies(Duration pause) {
    faults.slowBodies = pause;
    return this;
  }

  /** add stores the content but answers with another CID. */
  public BtfsNodeSimulator lyingAdd(boolean on) {
    faults.lyingAdd = on;
    return this;
  }

  /** The node runs in simple mode: storage/upload is refused as go-btfs refuses it. */
  public BtfsNodeSimulator simpleMode(boolean on) {
    faults.simpleMode = on;
    return this;
  }

  /** How many storage hosts the network offers; uploads needing more end in {@code error}. */
  public BtfsNodeSimulator storageHosts(int hosts) {
    faults.storageHosts = hosts;
    return this;
  }

  /** Switches every fault off and holds nothing (blocks and pins stay). */
  public BtfsNodeSimulator resetFaults() {
    faults.reset();
    gate.reset();
    dispatcher.resetPeaks();
    return this;
  }

  // ---------------------------------------------------------------------------------- inspection

  /**
   * How many times {@code command} (e.g. {@code "cat"}, {@code "block/get"}, {@code "gateway"}) was
   * called.
   */
  public int requestCount(String command) {
    return dispatcher.requestCount(command);
  }

  /**
   * The most requests of {@code command} the node was answering at the same time (since the last
   * {@link #resetFaults()}).
   */
  public int peakConcurrentRequests(String command) {
    return dispatcher.peakConcurrency(command);
  }

  /** The User-Agent of the last request, or null. */
  public String lastUserAgent() {
    return dispatcher.lastUserAgent();
  }

  /** Whether the node holds the block {@code cid}. */
  public boolean hasBlock(Cid cid) {
    return store.has(cid);
  }

  /** Whether {@code cid} is pinned. */
  public boolean isPinned(Cid cid) {
    return store.isPinned(cid);
  }

  /** Drops one block, as if garbage-collected or lost. */
  public void removeBlock(Cid cid) throws IOException {
    store.remove(cid);
  }

  /** Stores content as {@code add} would, without HTTP; returns its root CID. */
  public Cid addContent(InputStream content, CidProfile profile) throws IOException {
    return dispatcher.content().addContent(content, profile);
  }

  /** Stops the server, ends every simulated wait, and deletes a temporary directory. */
  @Override
  public void close() throws IOException {
    faults.release();
    gate.close();
    server.close();
    if (ownsDir && Files.exists(dir)) {
      MoreFiles.deleteRecursively(dir, RecursiveDeleteOption.ALLOW_INSECURE);
    }
  }
}
