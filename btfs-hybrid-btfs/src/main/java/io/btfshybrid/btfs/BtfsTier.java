package io.btfshybrid.btfs;

import io.btfshybrid.api.IntegrityException;
import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectInfo;
import io.btfshybrid.api.ObjectNotFoundException;
import io.btfshybrid.api.PinnedStorage;
import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.TierChecks;
import io.btfshybrid.api.TierKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link StorageTier} on a BTFS node (or an IPFS node, with {@code apiPrefix("/api/v0")}),
 * through its HTTP RPC API and optionally its gateway. Objects are named by content: {@code
 * btfs://<cid>}. Writes stream to {@code add} while computing the CID locally and refuse a node
 * that answers with another CID; reads use {@code cat} (or, when {@link Builder#trustless(boolean)
 * trustless}, blocks verified one by one against the CID). A read of a known length keeps {@link
 * Builder#readParallelism(int) several requests} in flight — {@code cat} ranges, or the blocks (and
 * runs of raw leaves) the range covers — and delivers them in order, nothing unverified when
 * trustless; a trustless range of a CIDv1 file asks for its first raw leaves together with the
 * root, and the tier keeps the verified inner nodes of the files it read, so a repeated range of a
 * file does not ask for its root again. Every reply has a deadline on progress ({@link
 * Builder#stallTimeout(Duration)}), is bounded before it is parsed, and is abandoned, never
 * drained, when closed early.
 */
public final class BtfsTier implements StorageTier, PinnedStorage {
  /** The URI scheme of BTFS locators. */
  public static final String SCHEME = "btfs";

  private final BtfsNode node;
  private final Optional<String> region;
  private final BtfsWrites writes;
  private final BtfsReads reads;
  private final BtfsPins pins;
  private final PaidStorage paidStorage;

  private BtfsTier(Builder b) {
    this.node = BtfsNode.of(b);
    this.region = Optional.ofNullable(b.region);
    this.writes = new BtfsWrites(node);
    this.reads = new BtfsReads(node);
    this.pins = new BtfsPins(node);
    this.paidStorage =
        new PaidStorage(node, b.storagePollInitial, b.storagePollMax, b.storageUploadTimeout);
  }

  /** A builder; {@code id} and {@code apiUrl} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The tier's id, unique within a client. */
  @Override
  public String id() {
    return node.id();
  }

  /** Always {@link TierKind#BTFS}. */
  @Override
  public TierKind kind() {
    return TierKind.BTFS;
  }

  /** The region the node lives in, if one was set. */
  @Override
  public Optional<String> region() {
    return region;
  }

  /** Whether reads rebuild content from verified blocks instead of trusting {@code cat}. */
  public boolean trustless() {
    return node.trustless();
  }

  /** The locator of {@code cid} on this tier: {@code btfs://<cid>}. */
  public Locator locator(Cid cid) {
    return node.locator(cid);
  }

  /**
   * The CID a {@code btfs://<cid>} locator names.
   *
   * @throws IllegalArgumentException naming the locator when it is not one
   */
  public static Cid cidOf(Locator where) {
    URI uri = where.uri();
    if (!SCHEME.equals(uri.getScheme()) || uri.getAuthority() == null) {
      throw new IllegalArgumentException(
          "not a BTFS locator: '" + uri + "' (expected btfs://<cid>)");
    }
    try {
      return Cid.parse(uri.getAuthority());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad BTFS locator '" + uri + "': " + e.getMessage(), e);
    }
  }

  /**
   * The CID {@code where} names. BTFS is content-addressed, so another BTFS tier's {@code
   * btfs://<cid>} locator names content this tier may hold too and is read by its CID (errors name
   * this tier); any other tier's locator is an object this tier does not hold ({@link
   * TierChecks#own}: {@link ObjectNotFoundException}).
   */
  private Cid ownCid(Locator where) throws ObjectNotFoundException {
    if (!where.tierId().equals(node.id())) {
      try {
        return cidOf(where);
      } catch (IllegalArgumentException notBtfs) {
        TierChecks.own(node.id(), where);
      }
    }
    return cidOf(where);
  }

  /**
   * Adds the content ({@code add}, pinned) and returns {@code btfs://<cid>}; the node's CID must
   * equal the one computed locally.
   *
   * @throws IntegrityException when the node answers with another CID
   */
  @Override
  public Locator write(String key, InputStream bytes, long size) throws IOException {
    return writes.write(key, bytes, size);
  }

  /**
   * The same as {@link #write}: BTFS names objects by content, so there is no key to race for.
   * Writing content that is already stored yields the same locator and the same bytes, whoever
   * wrote first, so a conditional create can neither lose nor overwrite anything: it is the write.
   */
  @Override
  public Locator writeNew(String key, InputStream bytes, long size) throws IOException {
    return write(key, bytes, size);
  }

  /**
   * {@code length} bytes ({@code -1} or past the end: to the end) from {@code offset}, via {@code
   * cat} and else the gateway, or from verified blocks when trustless.
   *
   * @throws ObjectNotFoundException when the node cannot find the content in time, or the locator
   *     names another tier
   * @throws BtfsStalledException when the reply stops making progress
   */
  @Override
  public InputStream read(Locator where, long offset, long length) throws IOException {
    return reads.read(ownCid(where), offset, length);
  }

  /**
   * The bytes of one block, verified against {@code cid}.
   *
   * @throws IntegrityException when the node's bytes do not hash to the CID
   * @throws ObjectNotFoundException when the node cannot find the block in time
   */
  public byte[] blockGet(Cid cid) throws IOException {
    return reads.blockGet(cid);
  }

  /**
   * The file's size ({@code files/stat}, {@code block/stat}), or empty when it is not found or the
   * locator names another tier's object.
   */
  @Override
  public Optional<ObjectInfo> stat(Locator where) throws IOException {
    Cid cid;
    try {
      cid = ownCid(where);
    } catch (ObjectNotFoundException notOurs) {
      return Optional.empty();
    }
    return reads.stat(cid);
  }

  /**
   * Unpins the content (BTFS keeps unpinned blocks only until garbage collection); another tier's
   * object is not held here, so removing it is a no-op.
   */
  @Override
  public void delete(Locator where) throws IOException {
    Cid cid;
    try {
      cid = ownCid(where);
    } catch (ObjectNotFoundException notOurs) {
      return;
    }
    unpin(cid);
  }

  /**
   * Every object the node holds pinned ({@code pin/ls?type=recursive}, then each one's size), in
   * CID order. BTFS names objects by content and keeps no keys, so {@code prefix} selects nothing:
   * any pinned object may be the one stored under it, and callers identify objects by reading them.
   * A pin whose content the node cannot find in time is left out.
   *
   * @throws BtfsNodeException when the answer is oversized or not a pin listing
   */
  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    Objects.requireNonNull(prefix, "prefix");
    List<ObjectInfo> listed = new ArrayList<>();
    for (Cid cid : pins.pinned()) {
      reads.stat(cid).ifPresent(listed::add);
    }
    return listed;
  }

  /** Pins {@code cid} recursively, fetching it first if the node lacks blocks. */
  public void pin(Cid cid) throws IOException {
    pins.pin(cid);
  }

  /** Removes the recursive pin of {@code cid}; true if it was pinned, false if it was not. */
  public boolean unpin(Cid cid) throws IOException {
    return pins.unpin(cid);
  }

  /** Whether {@code cid} is pinned recursively ({@code pin/ls?type=recursive}). */
  public boolean isPinned(Cid cid) throws IOException {
    return pins.isPinned(cid);
  }

  /** Whether the content {@code where} names is pinned here ({@link #isPinned(Cid)}). */
  @Override
  public boolean isPinned(Locator where) throws IOException {
    return pins.isPinned(ownCid(where));
  }

  /** Pins the content {@code where} names here ({@link #pin(Cid)}). */
  @Override
  public void pin(Locator where) throws IOException {
    pins.pin(ownCid(where));
  }

  /** {@code btfs://<cid>} of {@code content} under this tier's CID profile, computed locally. */
  @Override
  public Locator locatorOf(byte[] content) throws IOException {
    try (UnixFsDagBuilder dag = UnixFsDagBuilder.create(node.profile())) {
      dag.write(content, 0, content.length);
      return node.locator(dag.finish());
    }
  }

  /**
   * Buys storage for {@code cid} on {@code replicationFactor} hosts for {@code storageLengthDays}
   * days ({@code storage/upload}), polling {@code storage/upload/status} with backoff until the
   * session is {@code complete}.
   *
   * @throws PaidStorageException when the node cannot (simple mode, no storage client, no hosts) or
   *     the session ends in {@code error} or does not finish in time
   */
  public StorageUploadResult storageUpload(Cid cid, int replicationFactor, int storageLengthDays)
      throws IOException {
    try {
      return paidStorage.upload(cid, replicationFactor, storageLengthDays);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for storage of " + cid);
    }
  }

  /** Closes the connection pool; replies still open are cut. */
  @Override
  public void close() {
    node.close();
  }

  /** {@code BtfsTier[<id>]}. */
  @Override
  public String toString() {
    return "BtfsTier[" + node.id() + "]";
  }

  /** Builds a {@link BtfsTier}. */
  public static final class Builder {
    String id;
    String region;
    URI apiUrl;
    URI gatewayUrl;
    String apiPrefix = "/api/v1";
    String pathNamespace;
    Duration requestTimeout = Duration.ofSeconds(30);
    Duration writeTimeout = Duration.ofMinutes(10);
    Duration connectTimeout = Duration.ofSeconds(10);
    CidProfile profile = CidProfile.V1_RAW;
    boolean trustless;
    int maxConnections = 32;
    int readParallelism = 8;
    long readAheadBytes = 32L << 20;
    Duration storagePollInitial = Duration.ofMillis(200);
    Duration storagePollMax = Duration.ofSeconds(10);
    Duration storageUploadTimeout = Duration.ofMinutes(30);
    Duration stallTimeout;

    private Builder() {}

    /** Unique within a client, e.g. {@code "btfs"}. */
    public Builder id(String id) {
      this.id = id;
      return this;
    }

    /** The region the node lives in, if any. */
    public Builder region(String region) {
      this.region = region;
      return this;
    }

    /** The node's API, e.g. {@code http://127.0.0.1:5001}. */
    public Builder apiUrl(URI apiUrl) {
      this.apiUrl = apiUrl;
      return this;
    }

    /** The node's (or any) gateway, e.g. {@code http://127.0.0.1:8080}; reads fall back to it. */
    public Builder gatewayUrl(URI gatewayUrl) {
      this.gatewayUrl = gatewayUrl;
      return this;
    }

    /** The RPC path prefix: {@code /api/v1} (BTFS, default) or {@code /api/v0} (IPFS). */
    public Builder apiPrefix(String apiPrefix) {
      this.apiPrefix = apiPrefix;
      return this;
    }

    /**
     * The content path namespace, {@code btfs} ({@code /btfs/<cid>}) or {@code ipfs}; by default
     * {@code ipfs} with {@code /api/v0} and {@code btfs} otherwise.
     */
    public Builder pathNamespace(String pathNamespace) {
      this.pathNamespace = pathNamespace;
      return this;
    }

    /**
     * How long the node may look for content before giving up (sent as {@code timeout}); the client
     * waits a little longer on the socket. Default 30 s.
     */
    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = requestTimeout;
      return this;
    }

    /** How long to wait for add's answer after the last byte is sent. Default 10 min. */
    public Builder writeTimeout(Duration writeTimeout) {
      this.writeTimeout = writeTimeout;
      return this;
    }

    /**
     * How long a reply body may go without progress (at least 16 KiB, or its end, while a reader
     * waits) before it is abandoned with {@link BtfsStalledException}; time the reader spends
     * between reads does not count. Default: the request timeout plus its margin.
     */
    public Builder stallTimeout(Duration stallTimeout) {
      this.stallTimeout = stallTimeout;
      return this;
    }

    /** TCP connect timeout. Default 10 s. */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
      return this;
    }

    /** How writes build their DAG; default {@link CidProfile#V1_RAW}. */
    public Builder cidProfile(CidProfile profile) {
      this.profile = profile;
      return this;
    }

    /** Whether reads fetch and verify every block instead of trusting {@code cat}. */
    public Builder trustless(boolean trustless) {
      this.trustless = trustless;
      return this;
    }

    /** Pooled connections to the node. Default 32. */
    public Builder maxConnections(int maxConnections) {
      this.maxConnections = maxConnections;
      return this;
    }

    /**
     * How many requests one read keeps in flight: a ranged trustless read fetches the blocks it
     * covers this many at a time, a plain read of a known length streams {@code cat} in this many
     * ranges at once, delivered in order. {@code 1} reads sequentially. Default 8, at most {@link
     * #maxConnections(int)}.
     */
    public Builder readParallelism(int readParallelism) {
      this.readParallelism = readParallelism;
      return this;
    }

    /** The most bytes one read holds fetched ahead of its reader. Default 32 MiB. */
    public Builder readAheadBytes(long readAheadBytes) {
      this.readAheadBytes = readAheadBytes;
      return this;
    }

    /** Paid storage polling: first delay, longest delay and the overall limit. */
    public Builder storagePolling(Duration initial, Duration max, Duration overall) {
      this.storagePollInitial = initial;
      this.storagePollMax = max;
      this.storageUploadTimeout = overall;
      return this;
    }

    /** The tier; names the missing or bad setting when the builder is incomplete. */
    public BtfsTier build() {
      TierChecks.tierId(id);
      TierChecks.region(id, region);
      if (apiUrl == null) {
        throw new IllegalArgumentException("BtfsTier '" + id + "' needs an apiUrl");
      }
      requireHttp("apiUrl", apiUrl);
      if (gatewayUrl != null) {
        requireHttp("gatewayUrl", gatewayUrl);
      }
      if (!apiPrefix.startsWith("/")) {
        throw new IllegalArgumentException(
            "BtfsTier '" + id + "': apiPrefix '" + apiPrefix + "' must start with /");
      }
      for (Duration d :
          Arrays.asList(
              stallTimeout == null ? requestTimeout : stallTimeout,
              requestTimeout,
              writeTimeout,
              connectTimeout,
              storagePollInitial,
              storagePollMax,
              storageUploadTimeout)) {
        if (d == null || d.isNegative() || d.isZero()) {
          throw new IllegalArgumentException(
              "BtfsTier '" + id + "': timeouts must be positive, got " + d);
        }
      }
      if (maxConnections < 1) {
        throw new IllegalArgumentException(
            "BtfsTier '" + id + "': maxConnections must be >= 1, got " + maxConnections);
      }
      if (readParallelism < 1) {
        throw new IllegalArgumentException(
            "BtfsTier '" + id + "': readParallelism must be >= 1, got " + readParallelism);
      }
      if (readAheadBytes < 1) {
        throw new IllegalArgumentException(
            "BtfsTier '" + id + "': readAheadBytes must be >= 1, got " + readAheadBytes);
      }
      Objects.requireNonNull(profile, "cidProfile");
      return new BtfsTier(this);
    }

    private void requireHttp(String name, URI uri) {
      String scheme = uri.getScheme();
      if (!("http".equals(scheme) || "https".equals(scheme)) || uri.getHost() == null) {
        throw new IllegalArgumentException(
            "BtfsTier '" + id + "': " + name + " '" + uri + "' is not an http(s) URL with a host");
      }
    }
  }
}
