package io.btfshybrid.btfs;

import com.fasterxml.jackson.databind.JsonNode;
import io.btfshybrid.api.HybridStorageException;
import io.btfshybrid.api.IntegrityException;
import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectInfo;
import io.btfshybrid.api.ObjectNotFoundException;
import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.TierKind;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link StorageTier} on a BTFS node (or an IPFS node, with {@code apiPrefix("/api/v0")}),
 * through its HTTP RPC API and optionally its gateway. Objects are named by content: {@code
 * btfs://<cid>}. Writes stream to {@code add} while computing the CID locally and refuse a node
 * that answers with another CID; reads use {@code cat} (or, when {@link Builder#trustless(boolean)
 * trustless}, blocks verified one by one against the CID).
 */
public final class BtfsTier implements StorageTier {
  /** The URI scheme of BTFS locators. */
  public static final String SCHEME = "btfs";

  private static final Logger LOG = LoggerFactory.getLogger(BtfsTier.class);

  private final String id;
  private final Optional<String> region;
  private final BtfsRpc rpc;
  private final URI gatewayUrl;
  private final String pathNamespace;
  private final Duration requestTimeout;
  private final Duration readTimeout;
  private final Duration writeTimeout;
  private final CidProfile profile;
  private final boolean trustless;
  private final PaidStorage paidStorage;

  private BtfsTier(Builder b) {
    this.id = b.id;
    this.region = Optional.ofNullable(b.region);
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
    this.rpc = new BtfsRpc(b.apiUrl, b.apiPrefix, b.connectTimeout, b.maxConnections);
    this.paidStorage =
        new PaidStorage(
            rpc, readTimeout, b.storagePollInitial, b.storagePollMax, b.storageUploadTimeout);
  }

  /** A builder; {@code id} and {@code apiUrl} are required. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public TierKind kind() {
    return TierKind.BTFS;
  }

  @Override
  public Optional<String> region() {
    return region;
  }

  /** Whether reads rebuild content from verified blocks instead of trusting {@code cat}. */
  public boolean trustless() {
    return trustless;
  }

  /** The locator of {@code cid} on this tier: {@code btfs://<cid>}. */
  public Locator locator(Cid cid) {
    return new Locator(id, URI.create(SCHEME + "://" + cid));
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

  // ---------------------------------------------------------------------------------------- write

  @Override
  public Locator write(String key, InputStream bytes, long size) throws IOException {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(bytes, "bytes");
    UnixFsDagBuilder local = UnixFsDagBuilder.create(profile);
    MultipartAddEntity body =
        new MultipartAddEntity(MultipartAddEntity.safeFileName(key), bytes, size, local);
    String version = Integer.toString(profile.cidVersion());
    String rawLeaves = Boolean.toString(profile.rawLeaves());
    List<org.apache.hc.core5.http.NameValuePair> params =
        new ArrayList<>(
            BtfsRpc.args(
                "pin",
                "true",
                "v",
                version,
                "cid-version",
                version,
                "raw-leaves",
                rawLeaves,
                "chunker",
                "size-" + CidProfile.CHUNK_SIZE,
                "hash",
                "sha2-256",
                "progress",
                "false"));
    if (profile.cidVersion() == 1) {
      params.addAll(BtfsRpc.args("cid-base", "base32"));
    }
    String rootHash;
    try (ClassicHttpResponse response = rpc.open("add", params, body, writeTimeout)) {
      rootHash = lastHash(response);
    } catch (SocketTimeoutException e) {
      throw new HybridStorageException(
          "add of '" + key + "' got no answer within " + writeTimeout + " from tier '" + id + "'",
          e);
    }
    Cid computed = local.finish();
    if (rootHash == null) {
      throw new BtfsNodeException("add", 200, "the answer named no root CID for '" + key + "'", -1);
    }
    Cid returned;
    try {
      returned = Cid.parse(rootHash);
    } catch (IllegalArgumentException e) {
      throw new BtfsNodeException("add", 200, e.getMessage(), -1);
    }
    if (!returned.equals(computed)) {
      throw new IntegrityException(
          key,
          0,
          id,
          "the node answered add with CID " + returned + " but the content's CID is " + computed);
    }
    LOG.debug("added {} ({} bytes) to tier {} as {}", key, local.bytesWritten(), id, computed);
    return locator(computed);
  }

  /** Reads add's newline-delimited JSON events and returns the last Hash (the root). */
  private String lastHash(ClassicHttpResponse response) throws IOException {
    String last = null;
    InputStream content = response.getEntity().getContent();
    BufferedReader lines =
        new BufferedReader(new InputStreamReader(content, StandardCharsets.UTF_8));
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode event = rpc.json().readTree(line);
      if ("error".equals(event.path("Type").asText()) && event.has("Message")) {
        throw new BtfsNodeException(
            "add", 200, event.get("Message").asText(), event.path("Code").asInt(-1));
      }
      if (event.hasNonNull("Hash")) {
        last = event.get("Hash").asText();
      }
    }
    for (Header h : trailers(response)) {
      if (CheckedBodyStream.STREAM_ERROR_TRAILER.equalsIgnoreCase(h.getName())
          && !h.getValue().isBlank()) {
        throw new BtfsNodeException("add", 200, h.getValue(), -1);
      }
    }
    return last;
  }

  private static List<? extends Header> trailers(ClassicHttpResponse response) {
    var supplier = response.getEntity().getTrailers();
    List<? extends Header> list = supplier == null ? null : supplier.get();
    return list == null ? List.of() : list;
  }

  // ----------------------------------------------------------------------------------------- read

  @Override
  public InputStream read(Locator requested, long offset, long length) throws IOException {
    Cid cid = cidOf(requested);
    // errors name this tier, also when the locator came from another BTFS tier's hint
    Locator where = locator(cid);
    if (offset < 0 || length < -1) {
      throw new IllegalArgumentException(
          "bad range for " + where + ": offset " + offset + ", length " + length);
    }
    if (trustless) {
      BlockSource blocks = this::fetchBlock;
      if (offset == 0 && length < 0) {
        Optional<CarBlockSource> car = exportedCar(cid, where, blocks);
        if (car.isPresent()) {
          try {
            return new UnixFsReader(car.get(), cid, 0, -1, id, car.get());
          } catch (IOException | RuntimeException e) {
            car.get().close();
            throw e;
          }
        }
      }
      return UnixFs.open(blocks, cid, offset, length, id);
    }
    if (length == 0) {
      return InputStream.nullInputStream();
    }
    try {
      return cat(where, cid, offset, length);
    } catch (IOException apiFailure) {
      if (gatewayUrl == null) {
        throw apiFailure;
      }
      LOG.debug(
          "cat of {} on tier {} failed ({}); trying the gateway", cid, id, apiFailure.toString());
      try {
        return GatewayReads.range(
            rpc, gatewayUrl, pathNamespace, where, cid, offset, length, readTimeout);
      } catch (IOException gatewayFailure) {
        throw moreTelling(apiFailure, gatewayFailure);
      }
    }
  }

  private InputStream cat(Locator where, Cid cid, long offset, long length) throws IOException {
    List<org.apache.hc.core5.http.NameValuePair> params =
        new ArrayList<>(
            BtfsRpc.args(
                "arg", cid.toString(),
                "offset", Long.toString(offset),
                "timeout", GoDuration.format(requestTimeout)));
    if (length >= 0) {
      params.addAll(BtfsRpc.args("length", Long.toString(length)));
    }
    ClassicHttpResponse response = openForContent("cat", params, where);
    long announced = announcedLength(response);
    CheckedBodyStream.ExpectedLength expected =
        () -> {
          if (announced >= 0 && length < 0) {
            return announced;
          }
          long size = statSize(cid, where);
          long left = Math.max(0, size - offset);
          return length < 0 ? left : Math.min(length, left);
        };
    return new CheckedBodyStream(
        response, response.getEntity().getContent(), "cat", where, length, expected);
  }

  /** The {@code X-Content-Length} go-btfs sends with cat, or -1 when absent or unreadable. */
  private static long announcedLength(ClassicHttpResponse response) {
    Header h = response.getFirstHeader("X-Content-Length");
    try {
      return h == null ? -1 : Long.parseLong(h.getValue().trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private ClassicHttpResponse openForContent(
      String command, List<org.apache.hc.core5.http.NameValuePair> params, Locator where)
      throws IOException {
    try {
      return rpc.open(command, params, null, readTimeout);
    } catch (BtfsNodeException e) {
      throw NodeErrors.forContent(where, e);
    } catch (SocketTimeoutException e) {
      BtfsContentUnavailableException typed =
          new BtfsContentUnavailableException(
              where, command + " got no answer within " + readTimeout + " from tier '" + id + "'");
      typed.initCause(e);
      throw typed;
    }
  }

  /**
   * The whole DAG as one {@code dag/export} CAR stream, its blocks handed out in order (and any
   * other block fetched one by one); empty when the node cannot export, so blocks are fetched one
   * by one from the start.
   */
  private Optional<CarBlockSource> exportedCar(Cid cid, Locator where, BlockSource blocks)
      throws IOException {
    ClassicHttpResponse response;
    try {
      response =
          rpc.open(
              "dag/export",
              BtfsRpc.args("arg", cid.toString(), "timeout", GoDuration.format(requestTimeout)),
              null,
              readTimeout);
    } catch (BtfsNodeException e) {
      IOException typed = NodeErrors.forContent(where, e);
      if (e.httpStatus() == 500 && typed instanceof ObjectNotFoundException) {
        throw typed;
      }
      LOG.debug(
          "dag/export of {} on tier {} failed ({}); fetching blocks one by one",
          cid,
          id,
          e.getMessage());
      return Optional.empty();
    } catch (SocketTimeoutException e) {
      throw new BtfsContentUnavailableException(
          where, "dag/export got no answer within " + readTimeout);
    }
    return Optional.of(new CarBlockSource(response.getEntity().getContent(), response, blocks));
  }

  /** One block, fetched from the API and else the gateway, not yet verified. */
  private byte[] fetchBlock(Cid cid) throws IOException {
    Locator blockLocator = locator(cid);
    try {
      return blockFromApi(cid, blockLocator);
    } catch (IOException apiFailure) {
      if (gatewayUrl == null) {
        throw apiFailure;
      }
      try {
        return GatewayReads.rawBlock(
            rpc, gatewayUrl, pathNamespace, blockLocator, cid, readTimeout);
      } catch (IOException gatewayFailure) {
        throw moreTelling(apiFailure, gatewayFailure);
      }
    }
  }

  /**
   * The failure to report when both the API and the gateway failed: the API's, unless the API could
   * not even be reached; the other is attached as suppressed.
   */
  private static IOException moreTelling(IOException apiFailure, IOException gatewayFailure) {
    boolean apiUnreachable = apiFailure instanceof BtfsNodeException e && e.httpStatus() == 0;
    IOException first = apiUnreachable ? gatewayFailure : apiFailure;
    first.addSuppressed(apiUnreachable ? apiFailure : gatewayFailure);
    return first;
  }

  private byte[] blockFromApi(Cid cid, Locator where) throws IOException {
    try (ClassicHttpResponse response =
        openForContent(
            "block/get",
            BtfsRpc.args("arg", cid.toString(), "timeout", GoDuration.format(requestTimeout)),
            where)) {
      byte[] block = BtfsRpc.readLimited(response, UnixFsReader.MAX_BLOCK_SIZE);
      for (Header h : trailers(response)) {
        if (CheckedBodyStream.STREAM_ERROR_TRAILER.equalsIgnoreCase(h.getName())
            && !h.getValue().isBlank()) {
          throw NodeErrors.forContent(
              where, new BtfsNodeException("block/get", 200, h.getValue(), -1));
        }
      }
      return block;
    }
  }

  /**
   * The bytes of one block, verified against {@code cid}.
   *
   * @throws IntegrityException when the node's bytes do not hash to the CID
   * @throws ObjectNotFoundException when the node cannot find the block in time
   */
  public byte[] blockGet(Cid cid) throws IOException {
    byte[] block = fetchBlock(cid);
    if (!cid.matches(block)) {
      throw new IntegrityException(
          cid.toString(), 0, id, "block " + cid + " does not hash to its CID");
    }
    return block;
  }

  // ----------------------------------------------------------------------------- stat and pins

  @Override
  public Optional<ObjectInfo> stat(Locator requested) throws IOException {
    Cid cid = cidOf(requested);
    Locator where = locator(cid);
    try {
      long size = trustless ? UnixFs.fileSize(this::fetchBlock, cid) : statSize(cid, where);
      return Optional.of(new ObjectInfo(where, size));
    } catch (ObjectNotFoundException e) {
      return Optional.empty();
    }
  }

  /**
   * The file size the node reports: {@code block/stat} for a raw block, else {@code files/stat}.
   */
  private long statSize(Cid cid, Locator where) throws IOException {
    JsonNode answer;
    try {
      if (cid.codec() == Cid.RAW) {
        answer =
            rpc.call(
                "block/stat",
                BtfsRpc.args("arg", cid.toString(), "timeout", GoDuration.format(requestTimeout)),
                readTimeout);
      } else {
        answer =
            rpc.call(
                "files/stat",
                BtfsRpc.args(
                    "arg",
                    "/" + pathNamespace + "/" + cid,
                    "timeout",
                    GoDuration.format(requestTimeout)),
                readTimeout);
      }
    } catch (BtfsNodeException e) {
      throw NodeErrors.forContent(where, e);
    } catch (SocketTimeoutException e) {
      throw new BtfsContentUnavailableException(where, "stat got no answer within " + readTimeout);
    }
    JsonNode size = answer.get("Size");
    if (size == null || (!size.canConvertToLong() && !size.isTextual())) {
      throw new BtfsNodeException("stat", 200, "no Size in " + answer, -1);
    }
    return size.isTextual() ? Long.parseLong(size.asText()) : size.asLong();
  }

  /** Unpins the content (BTFS keeps unpinned blocks only until garbage collection). */
  @Override
  public void delete(Locator where) throws IOException {
    unpin(cidOf(where));
  }

  /** Pins {@code cid} recursively, fetching it first if the node lacks blocks. */
  public void pin(Cid cid) throws IOException {
    try {
      rpc.call(
          "pin/add",
          BtfsRpc.args("arg", cid.toString(), "timeout", GoDuration.format(requestTimeout)),
          readTimeout);
    } catch (BtfsNodeException e) {
      throw NodeErrors.forContent(locator(cid), e);
    } catch (SocketTimeoutException e) {
      throw new BtfsContentUnavailableException(
          locator(cid), "pin/add got no answer within " + readTimeout);
    }
  }

  /** Removes the recursive pin of {@code cid}; true if it was pinned, false if it was not. */
  public boolean unpin(Cid cid) throws IOException {
    try {
      rpc.call("pin/rm", BtfsRpc.args("arg", cid.toString()), readTimeout);
      return true;
    } catch (BtfsNodeException e) {
      if (NodeErrors.isNotPinned(e.nodeMessage())) {
        return false;
      }
      throw e;
    }
  }

  /** Whether {@code cid} is pinned recursively ({@code pin/ls?type=recursive}). */
  public boolean isPinned(Cid cid) throws IOException {
    JsonNode answer;
    try {
      answer =
          rpc.call("pin/ls", BtfsRpc.args("arg", cid.toString(), "type", "recursive"), readTimeout);
    } catch (BtfsNodeException e) {
      if (NodeErrors.isNotPinned(e.nodeMessage())) {
        return false;
      }
      throw e;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = answer.path("Keys").properties().iterator();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      try {
        if (Cid.parse(e.getKey()).sameMultihash(cid)) {
          return true;
        }
      } catch (IllegalArgumentException ignored) {
        // a key we cannot read is not ours
      }
    }
    return false;
  }

  // ---------------------------------------------------------------------------- paid storage

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

  @Override
  public void close() {
    rpc.close();
  }

  @Override
  public String toString() {
    return "BtfsTier[" + id + "]";
  }

  /** Builds a {@link BtfsTier}. */
  public static final class Builder {
    private String id;
    private String region;
    private URI apiUrl;
    private URI gatewayUrl;
    private String apiPrefix = "/api/v1";
    private String pathNamespace;
    private Duration requestTimeout = Duration.ofSeconds(30);
    private Duration writeTimeout = Duration.ofMinutes(10);
    private Duration connectTimeout = Duration.ofSeconds(10);
    private CidProfile profile = CidProfile.V1_RAW;
    private boolean trustless;
    private int maxConnections = 32;
    private Duration storagePollInitial = Duration.ofMillis(200);
    private Duration storagePollMax = Duration.ofSeconds(10);
    private Duration storageUploadTimeout = Duration.ofMinutes(30);

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

    /** Paid storage polling: first delay, longest delay and the overall limit. */
    public Builder storagePolling(Duration initial, Duration max, Duration overall) {
      this.storagePollInitial = initial;
      this.storagePollMax = max;
      this.storageUploadTimeout = overall;
      return this;
    }

    /** The tier; names the missing or bad setting when the builder is incomplete. */
    public BtfsTier build() {
      if (id == null || id.isBlank()) {
        throw new IllegalArgumentException("BtfsTier needs an id");
      }
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
          List.of(
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
