package io.btfshybrid.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectNotFoundException;
import io.btfshybrid.btfs.BlockSource;
import io.btfshybrid.btfs.Car;
import io.btfshybrid.btfs.Cid;
import io.btfshybrid.btfs.CidProfile;
import io.btfshybrid.btfs.UnixFs;
import io.btfshybrid.btfs.UnixFsDagBuilder;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-process BTFS node for tests: speaks the go-btfs HTTP API subset that {@code BtfsTier} uses
 * ({@code add}, {@code cat}, {@code dag/export}, {@code pin/*}, {@code block/*}, {@code
 * files/stat}, {@code id}, {@code version}, {@code storage/upload[/status]}) under {@code /api/v1}
 * and {@code /api/v0}, plus a {@code /btfs/<cid>} gateway, computing the same CIDs as a real node
 * and keeping blocks and pins in a directory. Switches inject the faults real nodes show:
 * unavailable content, corrupted blocks, 500s, stream errors in the {@code X-Stream-Error} trailer,
 * short and slow bodies, and a node that lies about the CID it stored.
 */
public final class BtfsNodeSimulator implements Closeable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern GO_DURATION_PART =
      Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");
  private static final int PIECE = 64 * 1024;
  private static final String TRAILER = "X-Stream-Error";

  private final Path dir;
  private final boolean ownsDir;
  private final BtfsSimHttpServer server;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
  private final Map<String, StorageSession> sessions = new ConcurrentHashMap<>();

  private volatile boolean contentUnavailable;
  private volatile boolean corruptBlocks;
  private volatile boolean failAllRequests;
  private volatile long streamErrorAfter = -1;
  private volatile long truncateBodiesAfter = -1;
  private volatile Duration slowBodies = Duration.ZERO;
  private volatile boolean lyingAdd;
  private volatile boolean simpleMode;
  private volatile int storageHosts = 10;
  private volatile String lastUserAgent;

  private BtfsNodeSimulator(Path dir, boolean ownsDir) throws IOException {
    this.dir = dir;
    this.ownsDir = ownsDir;
    Files.createDirectories(dir.resolve("blocks"));
    Files.createDirectories(dir.resolve("pins"));
    this.server = new BtfsSimHttpServer(this::handle);
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
    this.contentUnavailable = on;
    return this;
  }

  /** Blocks (block/get, the gateway's raw blocks) and cat output come back with a flipped bit. */
  public BtfsNodeSimulator corruptBlocks(boolean on) {
    this.corruptBlocks = on;
    return this;
  }

  /** Every RPC answers HTTP 500 with a JSON error. */
  public BtfsNodeSimulator failAllRequests(boolean on) {
    this.failAllRequests = on;
    return this;
  }

  /**
   * cat sends this many bytes, then ends its 200 answer with an X-Stream-Error trailer (-1: off).
   */
  public BtfsNodeSimulator streamErrorAfter(long bytes) {
    this.streamErrorAfter = bytes;
    return this;
  }

  /** cat sends this many bytes, then ends its answer cleanly, as if that were all (-1: off). */
  public BtfsNodeSimulator truncateBodiesAfter(long bytes) {
    this.truncateBodiesAfter = bytes;
    return this;
  }

  /** Bodies pause this long before each 64 KiB piece (zero: off). */
  public BtfsNodeSimulator slowBodies(Duration pause) {
    this.slowBodies = pause;
    return this;
  }

  /** add stores the content but answers with another CID. */
  public BtfsNodeSimulator lyingAdd(boolean on) {
    this.lyingAdd = on;
    return this;
  }

  /** The node runs in simple mode: storage/upload is refused as go-btfs refuses it. */
  public BtfsNodeSimulator simpleMode(boolean on) {
    this.simpleMode = on;
    return this;
  }

  /** How many storage hosts the network offers; uploads needing more end in {@code error}. */
  public BtfsNodeSimulator storageHosts(int hosts) {
    this.storageHosts = hosts;
    return this;
  }

  /** Switches every fault off (blocks and pins stay). */
  public BtfsNodeSimulator resetFaults() {
    contentUnavailable = false;
    corruptBlocks = false;
    failAllRequests = false;
    streamErrorAfter = -1;
    truncateBodiesAfter = -1;
    slowBodies = Duration.ZERO;
    lyingAdd = false;
    simpleMode = false;
    storageHosts = 10;
    return this;
  }

  // ---------------------------------------------------------------------------------- inspection

  /**
   * How many times {@code command} (e.g. {@code "cat"}, {@code "block/get"}, {@code "gateway"}) was
   * called.
   */
  public int requestCount(String command) {
    AtomicInteger n = requests.get(command);
    return n == null ? 0 : n.get();
  }

  /** The User-Agent of the last request, or null. */
  public String lastUserAgent() {
    return lastUserAgent;
  }

  /** Whether the node holds the block {@code cid}. */
  public boolean hasBlock(Cid cid) {
    return Files.exists(blockPath(cid));
  }

  /** Whether {@code cid} is pinned. */
  public boolean isPinned(Cid cid) {
    return Files.exists(pinPath(cid));
  }

  /** Drops one block, as if garbage-collected or lost. */
  public void removeBlock(Cid cid) throws IOException {
    Files.deleteIfExists(blockPath(cid));
  }

  /** Stores content as {@code add} would, without HTTP; returns its root CID. */
  public Cid addContent(InputStream content, CidProfile profile) throws IOException {
    UnixFsDagBuilder builder = UnixFsDagBuilder.create(profile, this::putBlock);
    content.transferTo(builder);
    return builder.finish();
  }

  // ------------------------------------------------------------------------------------ storage

  private Path blockPath(Cid cid) {
    return dir.resolve("blocks").resolve(HexFormat.of().formatHex(cid.multihash()));
  }

  private Path pinPath(Cid cid) {
    return dir.resolve("pins").resolve(HexFormat.of().formatHex(cid.multihash()));
  }

  private void putBlock(Cid cid, byte[] block) throws IOException {
    Path target = blockPath(cid);
    if (Files.exists(target)) {
      return;
    }
    Path tmp = Files.createTempFile(target.getParent(), ".put-", ".tmp");
    Files.write(tmp, block);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** A block from disk; a missing block is a {@link MissingBlock}. */
  private byte[] block(Cid cid) throws IOException {
    try {
      return Files.readAllBytes(blockPath(cid));
    } catch (NoSuchFileException e) {
      throw new MissingBlock(cid);
    }
  }

  private BlockSource store() {
    return this::block;
  }

  /** Thrown inside the simulator when a block is not held: the node would look for it forever. */
  private static final class MissingBlock extends ObjectNotFoundException {
    private static final long serialVersionUID = 1L;

    MissingBlock(Cid cid) {
      super(new Locator("simulator", URI.create("btfs://" + cid)), "block not held");
    }
  }

  // ----------------------------------------------------------------------------------- dispatch

  private void handle(BtfsSimHttpServer.Exchange ex) throws IOException {
    lastUserAgent = ex.headers.get("user-agent");
    String path = ex.path;
    if (path.startsWith("/btfs/") && "GET".equals(ex.method)) {
      count("gateway");
      gateway(ex, path.substring("/btfs/".length()));
      return;
    }
    String command;
    if (path.startsWith("/api/v1/") || path.startsWith("/api/v0/")) {
      command = path.substring("/api/v1/".length());
    } else {
      ex.drainRequest();
      ex.sendText(404, "text/plain", "404 page not found");
      return;
    }
    count(command);
    if (!"POST".equals(ex.method)) {
      ex.drainRequest();
      ex.sendText(405, "text/plain", "405 - Method Not Allowed");
      return;
    }
    if (lastUserAgent != null && lastUserAgent.contains("/go-btfs/")) {
      ex.drainRequest();
      ex.sendText(403, "text/plain", "403 - Forbidden: a go-btfs user agent from a remote client");
      return;
    }
    if (failAllRequests) {
      ex.drainRequest();
      error(ex, 500, "simulated internal error", 0);
      return;
    }
    try {
      switch (command) {
        case "add" -> add(ex);
        case "cat" -> cat(ex);
        case "block/get" -> blockGet(ex);
        case "block/stat" -> blockStat(ex);
        case "files/stat" -> filesStat(ex);
        case "dag/export" -> dagExport(ex);
        case "pin/add" -> pinAdd(ex);
        case "pin/rm" -> pinRm(ex);
        case "pin/ls" -> pinLs(ex);
        case "id" ->
            json(
                ex,
                Map.of("ID", "16Uiu2HAmSimulatedBtfsNode", "AgentVersion", "btfs-node-simulator"));
        case "version" -> json(ex, Map.of("Version", "simulator", "Repo", "10"));
        case "storage/upload" -> storageUpload(ex);
        case "storage/upload/status" -> storageStatus(ex);
        default -> {
          ex.drainRequest();
          ex.sendText(404, "text/plain", "404 page not found");
        }
      }
    } catch (MissingBlock e) {
      if (!ex.responseStarted) {
        hangUntilTimeout(ex);
      }
    } catch (IllegalArgumentException e) {
      if (!ex.responseStarted) {
        error(ex, 400, e.getMessage(), 1);
      }
    }
  }

  private void count(String command) {
    requests.computeIfAbsent(command, k -> new AtomicInteger()).incrementAndGet();
  }

  // --------------------------------------------------------------------------------- commands

  private void add(BtfsSimHttpServer.Exchange ex) throws IOException {
    int version = Integer.parseInt(orDefault(ex.param("v"), "0"));
    boolean rawLeaves =
        Boolean.parseBoolean(orDefault(ex.param("raw-leaves"), Boolean.toString(version == 1)));
    String chunker = orDefault(ex.param("chunker"), "size-" + CidProfile.CHUNK_SIZE);
    if (!chunker.equals("size-" + CidProfile.CHUNK_SIZE)) {
      ex.drainRequest();
      throw new IllegalArgumentException(
          "the simulator only chunks with size-" + CidProfile.CHUNK_SIZE + ", not " + chunker);
    }
    CidProfile profile;
    if (version == 0 && !rawLeaves) {
      profile = CidProfile.V0;
    } else if (version == 1 && rawLeaves) {
      profile = CidProfile.V1_RAW;
    } else {
      ex.drainRequest();
      throw new IllegalArgumentException(
          "the simulator supports v=0 without raw leaves and v=1 with raw leaves, not v="
              + version
              + " raw-leaves="
              + rawLeaves);
    }
    String boundary = BtfsSimMultipart.boundary(ex.headers.get("content-type"));
    UnixFsDagBuilder builder = UnixFsDagBuilder.create(profile, this::putBlock);
    String name = BtfsSimMultipart.copyFirstPart(ex.body, boundary, builder);
    Cid root = builder.finish();
    if (Boolean.parseBoolean(orDefault(ex.param("pin"), "true"))) {
      Files.write(pinPath(root), root.toString().getBytes(StandardCharsets.US_ASCII));
    }
    Cid answered =
        lyingAdd
            ? Cid.ofBlock(1, Cid.RAW, ("not " + root).getBytes(StandardCharsets.US_ASCII))
            : root;
    ObjectNode event = JSON.createObjectNode();
    event.put("Name", name);
    event.put("Hash", answered.toString());
    event.put("Size", Long.toString(builder.bytesWritten()));
    ex.sendText(200, "application/json", JSON.writeValueAsString(event) + "\n");
  }

  private void cat(BtfsSimHttpServer.Exchange ex) throws IOException {
    Cid cid = cidArg(ex);
    if (contentUnavailable) {
      hangUntilTimeout(ex);
      return;
    }
    long offset = Long.parseLong(orDefault(ex.param("offset"), "0"));
    long length = Long.parseLong(orDefault(ex.param("length"), "-1"));
    long size = UnixFs.fileSize(store(), cid);
    long left = Math.max(0, size - Math.min(offset, size));
    long toSend = length < 0 ? left : Math.min(length, left);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "text/plain");
    headers.put("Trailer", TRAILER);
    headers.put("X-Stream-Output", "1");
    headers.put("X-Content-Length", Long.toString(toSend));
    try (InputStream content =
        UnixFs.open(store(), cid, Math.min(offset, size), toSend, "simulator")) {
      ex.startChunked(200, headers);
      streamBody(ex, content, toSend, true);
    } catch (MissingBlock e) {
      if (ex.responseStarted) {
        sleep(timeoutOf(ex));
        ex.endChunked(Map.of(TRAILER, "context deadline exceeded"));
      } else {
        throw e;
      }
    }
  }

  /** Writes a chunked body with the slow, corrupt, truncate and stream-error faults applied. */
  private void streamBody(
      BtfsSimHttpServer.Exchange ex, InputStream content, long total, boolean withFaults)
      throws IOException {
    byte[] piece = new byte[PIECE];
    long sent = 0;
    long errorAt = withFaults ? streamErrorAfter : -1;
    long truncateAt = withFaults ? truncateBodiesAfter : -1;
    while (sent < total) {
      long limit = total - sent;
      if (errorAt >= 0) {
        limit = Math.min(limit, errorAt - sent);
      }
      if (truncateAt >= 0) {
        limit = Math.min(limit, truncateAt - sent);
      }
      if (limit <= 0) {
        break;
      }
      int n = content.readNBytes(piece, 0, (int) Math.min(piece.length, limit));
      if (n <= 0) {
        break;
      }
      if (withFaults && corruptBlocks && sent == 0) {
        piece[0] ^= 0x01;
      }
      if (!slowBodies.isZero()) {
        sleep(slowBodies);
      }
      ex.writeChunk(piece, 0, n);
      sent += n;
    }
    if (errorAt >= 0 && sent < total) {
      ex.endChunked(Map.of(TRAILER, "simulated stream failure after " + sent + " bytes"));
    } else {
      ex.endChunked(Map.of());
    }
  }

  /** The DAG as a CARv1 stream; corrupted blocks flip the stream's last byte (the last block's). */
  private void dagExport(BtfsSimHttpServer.Exchange ex) throws IOException {
    Cid cid = cidArg(ex);
    if (contentUnavailable) {
      hangUntilTimeout(ex);
      return;
    }
    block(cid);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/vnd.ipld.car");
    headers.put("Trailer", TRAILER);
    ex.startChunked(200, headers);
    ChunkedOut out = new ChunkedOut(ex, corruptBlocks);
    try {
      Car.export(store(), cid, out);
      out.finish();
      ex.endChunked(Map.of());
    } catch (MissingBlock e) {
      sleep(timeoutOf(ex));
      ex.endChunked(Map.of(TRAILER, "context deadline exceeded"));
    }
  }

  /** A chunked body as an OutputStream, holding back one byte so the last can be flipped. */
  private static final class ChunkedOut extends OutputStream {
    private final BtfsSimHttpServer.Exchange ex;
    private final boolean flipLast;
    private final byte[] buffer = new byte[PIECE];
    private int filled;
    private int held = -1;

    ChunkedOut(BtfsSimHttpServer.Exchange ex, boolean flipLast) {
      this.ex = ex;
      this.flipLast = flipLast;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return;
      }
      if (held >= 0) {
        append(new byte[] {(byte) held}, 0, 1);
      }
      append(b, off, len - 1);
      held = b[off + len - 1] & 0xFF;
    }

    private void append(byte[] b, int off, int len) throws IOException {
      int pos = off;
      int left = len;
      while (left > 0) {
        int n = Math.min(left, buffer.length - filled);
        System.arraycopy(b, pos, buffer, filled, n);
        filled += n;
        pos += n;
        left -= n;
        if (filled == buffer.length) {
          ex.writeChunk(buffer, 0, filled);
          filled = 0;
        }
      }
    }

    void finish() throws IOException {
      if (held >= 0) {
        append(new byte[] {(byte) (flipLast ? held ^ 0x01 : held)}, 0, 1);
        held = -1;
      }
      ex.writeChunk(buffer, 0, filled);
      filled = 0;
    }
  }

  private void blockGet(BtfsSimHttpServer.Exchange ex) throws IOException {
    Cid cid = cidArg(ex);
    if (contentUnavailable) {
      hangUntilTimeout(ex);
      return;
    }
    byte[] block = block(cid);
    if (corruptBlocks && block.length > 0) {
      block = block.clone();
      block[block.length / 2] ^= 0x01;
    }
    ex.sendBytes(200, Map.of("Content-Type", "application/octet-stream"), block);
  }

  private void blockStat(BtfsSimHttpServer.Exchange ex) throws IOException {
    Cid cid = cidArg(ex);
    if (contentUnavailable) {
      hangUntilTimeout(ex);
      return;
    }
    json(ex, Map.of("Key", cid.toString(), "Size", block(cid).length));
  }

  private void filesStat(BtfsSimHttpServer.Exchange ex) throws IOException {
    String arg = required(ex, "arg");
    if (!arg.startsWith("/btfs/")) {
      error(ex, 500, "invalid path \"" + arg + "\": paths must start with /btfs/", 0);
      return;
    }
    Cid cid = Cid.parse(firstSegment(arg.substring("/btfs/".length())));
    if (contentUnavailable) {
      hangUntilTimeout(ex);
      return;
    }
    long size = UnixFs.fileSize(store(), cid);
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("Hash", cid.toString());
    answer.put("Size", size);
    answer.put("CumulativeSize", block(cid).length + size);
    answer.put("Blocks", 0);
    answer.put("Type", "file");
    json(ex, answer);
  }

  private void pinAdd(BtfsSimHttpServer.Exchange ex) throws IOException {
    Cid cid = cidArg(ex);
    if (contentUnavailable) {
      hangUntilTimeout(ex);
      return;
    }
    try (InputStream all = UnixFs.open(store(), cid, 0, -1, "simulator")) {
      all.transferTo(OutputStream.nullOutputStream());
    }
    Files.write(pinPath(cid), cid.toString().getBytes(StandardCharsets.US_ASCII));
    json(ex, Map.of("Pins", List.of(cid.toString())));
  }

  private void pinRm(BtfsSimHttpServer.Exchange ex) throws IOException {
    Cid cid = cidArg(ex);
    if (!Files.deleteIfExists(pinPath(cid))) {
      error(ex, 500, "not pinned or pinned indirectly", 0);
      return;
    }
    json(ex, Map.of("Pins", List.of(cid.toString())));
  }

  private void pinLs(BtfsSimHttpServer.Exchange ex) throws IOException {
    String arg = ex.param("arg");
    Map<String, Object> keys = new LinkedHashMap<>();
    if (arg != null) {
      Cid cid = Cid.parse(stripPath(arg));
      if (!isPinned(cid)) {
        error(ex, 500, "path '" + arg + "' is not pinned", 0);
        return;
      }
      keys.put(cid.toString(), Map.of("Type", "recursive"));
    } else {
      try (var pins = Files.list(dir.resolve("pins"))) {
        for (Path p : pins.toList()) {
          keys.put(Files.readString(p).trim(), Map.of("Type", "recursive"));
        }
      }
    }
    json(ex, Map.of("Keys", keys));
  }

  private void storageUpload(BtfsSimHttpServer.Exchange ex) throws IOException {
    if (simpleMode) {
      error(
          ex,
          500,
          "this api is not support in simple mode, please check the node's simple mode! ",
          0);
      return;
    }
    Cid cid = cidArg(ex);
    int replication = Integer.parseInt(orDefault(ex.param("replication-factor"), "3"));
    if (!hasBlock(cid)) {
      error(ex, 500, "file " + cid + " is not held by this node", 0);
      return;
    }
    String id = UUID.randomUUID().toString();
    sessions.put(id, new StorageSession(cid, replication, storageHosts));
    json(ex, Map.of("ID", id));
  }

  private void storageStatus(BtfsSimHttpServer.Exchange ex) throws IOException {
    if (simpleMode) {
      error(
          ex,
          500,
          "this api is not support in simple mode, please check the node's simple mode! ",
          0);
      return;
    }
    String id = required(ex, "arg");
    StorageSession session = sessions.get(id);
    if (session == null) {
      json(
          ex,
          Map.of(
              "Status",
              "init",
              "Message",
              "session not found",
              "AdditionalInfo",
              "",
              "FileHash",
              "",
              "Shards",
              Map.of()));
      return;
    }
    json(ex, session.poll());
  }

  /** A paid-storage session that moves one step per status poll. */
  private static final class StorageSession {
    private static final List<String> STEPS =
        List.of("init", "submit", "pay", "guard", "wait-upload", "complete");
    final Cid cid;
    final int replication;
    final int hostsAvailable;
    int step;

    StorageSession(Cid cid, int replication, int hostsAvailable) {
      this.cid = cid;
      this.replication = replication;
      this.hostsAvailable = hostsAvailable;
    }

    synchronized Map<String, Object> poll() {
      step = Math.min(step + 1, STEPS.size() - 1);
      String status = STEPS.get(step);
      String message = "";
      if (step >= 2 && hostsAvailable < replication) {
        status = "error";
        message = "failed to find more valid hosts, please try again later";
      }
      boolean complete = "complete".equals(status);
      Map<String, Object> shards = new LinkedHashMap<>();
      for (int i = 0; i < replication; i++) {
        Map<String, Object> shard = new LinkedHashMap<>();
        shard.put(
            "ContractID", complete ? "contract-" + i + "-" + cid.toString().substring(0, 12) : "");
        shard.put("Price", 0);
        shard.put("Host", complete ? "16Uiu2HAmSimulatedHost" + i : "");
        shard.put("Status", complete ? "contract" : "init");
        shard.put("Message", "");
        shard.put("AdditionalInfo", complete ? "UPLOADED" : "");
        shards.put(cid + ":" + i, shard);
      }
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("Status", status);
      answer.put("Message", message);
      answer.put("AdditionalInfo", "");
      answer.put("FileHash", cid.toString());
      answer.put("Shards", shards);
      return answer;
    }
  }

  // ----------------------------------------------------------------------------------- gateway

  private void gateway(BtfsSimHttpServer.Exchange ex, String rest) throws IOException {
    Cid cid;
    try {
      cid = Cid.parse(firstSegment(rest));
    } catch (IllegalArgumentException e) {
      ex.sendText(400, "text/plain", e.getMessage());
      return;
    }
    if (failAllRequests) {
      ex.sendText(500, "text/plain", "simulated internal error");
      return;
    }
    if (contentUnavailable) {
      awaitClose(Duration.ofMinutes(10));
      return;
    }
    try {
      boolean raw =
          "raw".equals(ex.param("format"))
              || ex.headers.getOrDefault("accept", "").contains("application/vnd.ipld.raw");
      if (raw) {
        byte[] block = block(cid);
        if (corruptBlocks && block.length > 0) {
          block = block.clone();
          block[block.length / 2] ^= 0x01;
        }
        ex.sendBytes(200, Map.of("Content-Type", "application/vnd.ipld.raw"), block);
        return;
      }
      long size = UnixFs.fileSize(store(), cid);
      long from = 0;
      long to = size - 1;
      int status = 200;
      String range = ex.headers.get("range");
      Matcher m = range == null ? null : Pattern.compile("bytes=(\\d+)-(\\d*)").matcher(range);
      if (m != null && m.matches()) {
        from = Long.parseLong(m.group(1));
        if (!m.group(2).isEmpty()) {
          to = Math.min(to, Long.parseLong(m.group(2)));
        }
        if (from >= size) {
          ex.sendBytes(416, Map.of("Content-Range", "bytes */" + size), new byte[0]);
          return;
        }
        status = 206;
      }
      long count = Math.max(0, to - from + 1);
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("Content-Type", "application/octet-stream");
      headers.put("Content-Length", Long.toString(count));
      if (status == 206) {
        headers.put("Content-Range", "bytes " + from + "-" + to + "/" + size);
      }
      try (InputStream content = UnixFs.open(store(), cid, from, count, "simulator")) {
        ex.startSized(status, headers);
        byte[] piece = new byte[PIECE];
        long sent = 0;
        while (sent < count) {
          int n = content.readNBytes(piece, 0, (int) Math.min(piece.length, count - sent));
          if (n <= 0) {
            break;
          }
          if (!slowBodies.isZero()) {
            sleep(slowBodies);
          }
          ex.writeRaw(piece, 0, n);
          sent += n;
        }
      }
    } catch (MissingBlock e) {
      if (!ex.responseStarted) {
        awaitClose(Duration.ofMinutes(10));
      }
    }
  }

  // ---------------------------------------------------------------------------------- helpers

  private Cid cidArg(BtfsSimHttpServer.Exchange ex) {
    return Cid.parse(stripPath(required(ex, "arg")));
  }

  private static String stripPath(String arg) {
    String a = arg;
    if (a.startsWith("/btfs/")) {
      a = a.substring("/btfs/".length());
    } else if (a.startsWith("/ipfs/")) {
      throw new IllegalArgumentException(
          "invalid path \"" + arg + "\": /ipfs/ paths are not BTFS paths");
    }
    int slash = a.indexOf('/');
    return slash < 0 ? a : a.substring(0, slash);
  }

  private static String required(BtfsSimHttpServer.Exchange ex, String name) {
    String value = ex.param(name);
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("argument \"" + name + "\" is required");
    }
    return value;
  }

  private static String orDefault(String value, String fallback) {
    return value == null || value.isEmpty() ? fallback : value;
  }

  private void json(BtfsSimHttpServer.Exchange ex, Object value) throws IOException {
    ex.sendText(200, "application/json", JSON.writeValueAsString(value) + "\n");
  }

  private void error(BtfsSimHttpServer.Exchange ex, int status, String message, int code)
      throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("Message", message);
    body.put("Code", code);
    body.put("Type", "error");
    ex.sendText(status, "application/json", JSON.writeValueAsString(body) + "\n");
  }

  /**
   * As go-btfs: wait for the content until the request's timeout, then fail; no timeout, no end.
   */
  private void hangUntilTimeout(BtfsSimHttpServer.Exchange ex) throws IOException {
    Duration timeout = timeoutOf(ex);
    if (timeout == null) {
      awaitClose(Duration.ofMinutes(10));
      return;
    }
    if (!awaitClose(timeout)) {
      error(ex, 500, "context deadline exceeded", 0);
    }
  }

  private static Duration timeoutOf(BtfsSimHttpServer.Exchange ex) {
    String t = ex.param("timeout");
    return t == null || t.isEmpty() ? null : parseGoDuration(t);
  }

  /** Parses Go durations such as {@code 30s}, {@code 1500ms} or {@code 1m30s}. */
  static Duration parseGoDuration(String text) {
    Matcher m = GO_DURATION_PART.matcher(text);
    long nanos = 0;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        throw new IllegalArgumentException("time: invalid duration \"" + text + "\"");
      }
      end = m.end();
      double n = Double.parseDouble(m.group(1));
      double unit =
          switch (m.group(2)) {
            case "ns" -> 1;
            case "us", "µs" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m" -> 60e9;
            default -> 3600e9;
          };
      nanos += (long) (n * unit);
    }
    if (end != text.length() || end == 0) {
      throw new IllegalArgumentException("time: invalid duration \"" + text + "\"");
    }
    return Duration.ofNanos(nanos);
  }

  /** Waits up to {@code limit}; true when the simulator closed meanwhile. */
  private boolean awaitClose(Duration limit) {
    try {
      return closed.await(limit.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  private void sleep(Duration d) {
    if (d != null) {
      awaitClose(d);
    }
  }

  @Override
  public void close() throws IOException {
    closed.countDown();
    server.close();
    if (ownsDir) {
      try (var paths = Files.walk(dir)) {
        paths
            .sorted(java.util.Comparator.reverseOrder())
            .forEach(
                p -> {
                  try {
                    Files.deleteIfExists(p);
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                });
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }
  }

  private static String firstSegment(String path) {
    int slash = path.indexOf('/');
    return slash < 0 ? path : path.substring(0, slash);
  }
}
