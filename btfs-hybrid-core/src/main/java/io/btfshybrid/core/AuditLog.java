package io.btfshybrid.core;

import static com.google.common.base.Preconditions.checkState;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.base.Preconditions;
import io.btfshybrid.api.HybridStorageException;
import io.btfshybrid.api.ManifestRejectedException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only, hash-chained log of security events as JSON lines. Each entry carries its
 * sequence number, the hash of the entry before it and its own hash (SHA-256 of its canonical
 * body), optionally signed by a {@link ManifestSigner}; {@link #verify} names the first entry that
 * was edited, removed, inserted or reordered.
 *
 * <p>Appends are thread-safe and safe across processes sharing the file (a JVM-wide lock per file
 * plus an OS file lock; the chain's tail is re-read under the lock). Fsync policy: by default every
 * entry is forced to disk before {@link #append} returns, so an acknowledged event survives a
 * crash; {@code fsync(false)} leaves flushing to the OS. A failed append is reported to the caller
 * (publishers and clients then fail the operation rather than act unaudited).
 *
 * <p>A torn tail (a partial last line left by a crash mid-append, never acknowledged) does not
 * block the log: {@link #verify} names it (line and byte offset), and the next append, under the
 * lock, truncates it and first records a {@code log_repaired} entry with the removed bytes' offset,
 * length and SHA-256, then its own entry.
 *
 * <p>A hash chain shows edits inside the log; removing entries from its end or rewriting the whole
 * log is only visible against an outside anchor: ship entries to an {@link AuditSink} or record
 * {@link AuditVerification#entries()} and the last hash elsewhere, and sign entries so a rewritten
 * chain cannot be re-signed.
 */
public final class AuditLog implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
  static final String GENESIS = "0".repeat(64);
  static final String ENTRY_TYPE = "application/vnd.btfs-hybrid.audit-entry.v1+json";

  /** Longest entry line written or accepted. */
  static final int MAX_LINE_BYTES = 16 * 1024;

  private static final int MAX_FIELDS = 32;
  private static final int MAX_VALUE_CHARS = 1024;
  private static final Set<String> BODY_FIELDS = Set.of("seq", "time", "event", "fields", "prev");
  private static final ConcurrentMap<Path, Object> LOCKS = new ConcurrentHashMap<>();

  private final Path file;
  private final Object lock;
  private final FileChannel channel;
  private final ManifestSigner signer;
  private final boolean fsync;
  private final List<AuditSink> sinks;
  private final Clock clock;

  private AuditLog(Builder b) throws IOException {
    Path parent = b.file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    this.channel =
        FileChannel.open(
            b.file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    this.file = b.file.toRealPath();
    this.lock = LOCKS.computeIfAbsent(file, f -> new Object());
    this.signer = b.signer;
    this.fsync = b.fsync;
    this.sinks = List.copyOf(b.sinks);
    this.clock = b.clock;
  }

  /** Opens (creating if needed) an unsigned log that forces every entry to disk. */
  public static AuditLog open(Path file) throws IOException {
    return builder(file).build();
  }

  /** A builder for a log at {@code file}: signer, fsync policy, sinks. */
  public static Builder builder(Path file) {
    return new Builder(file);
  }

  /** The log file. */
  public Path file() {
    return file;
  }

  /**
   * Appends one event with its fields (at most 32; values longer than 1024 characters are cut) and
   * returns the entry as written.
   */
  public AuditEntry append(AuditEvent event, Map<String, String> fields) throws IOException {
    Objects.requireNonNull(event, "event");
    Preconditions.checkArgument(
        fields.size() <= MAX_FIELDS,
        "%s audit fields exceed the limit of %s",
        fields.size(),
        MAX_FIELDS);
    ObjectNode fieldNode = JsonNodeFactory.instance.objectNode();
    new TreeMap<>(fields).forEach((k, v) -> fieldNode.put(cut(k), cut(String.valueOf(v))));
    List<AuditEntry> written = new ArrayList<>();
    synchronized (lock) {
      try (FileLock held = channel.lock()) {
        checkState(held.isValid(), "lost the audit log lock");
        long end = channel.size();
        long tornAt = tornTailAt(end);
        if (tornAt >= 0) {
          written.add(repair(tornAt, end));
          end = channel.size();
        }
        written.add(write(readTail(end), event, fieldNode, end));
        if (fsync) {
          channel.force(false);
        }
      }
      for (AuditEntry entry : written) {
        for (AuditSink sink : sinks) {
          try {
            sink.accept(entry);
          } catch (IOException | RuntimeException e) {
            LOG.warn(
                "audit sink {} failed for entry {} of {}: {}",
                sink,
                entry.sequence(),
                file,
                e.toString());
          }
        }
      }
    }
    return written.get(written.size() - 1);
  }

  /**
   * Removes a torn tail (the partial last line an append interrupted by a crash left; that append
   * was never acknowledged) and records its removal as a {@code log_repaired} entry naming the byte
   * offset, length and SHA-256 of what was removed, so the chain stays whole and the repair itself
   * is on the record.
   */
  private AuditEntry repair(long tornAt, long end) throws IOException {
    ByteBuffer torn = ByteBuffer.allocate((int) (end - tornAt));
    while (torn.hasRemaining() && channel.read(torn, tornAt + torn.position()) >= 0) {}
    channel.truncate(tornAt);
    channel.force(false);
    LOG.warn(
        "audit log {}: removed a torn tail of {} bytes at offset {}", file, end - tornAt, tornAt);
    ObjectNode fields = JsonNodeFactory.instance.objectNode();
    fields.put("offset", Long.toString(tornAt));
    fields.put("bytes", Long.toString(end - tornAt));
    fields.put("sha256", Digests.sha256Hex(torn.array()));
    return write(readTail(tornAt), AuditEvent.LOG_REPAIRED, fields, tornAt);
  }

  /** Writes one entry at {@code at} chained to {@code tail}; returns it as written. */
  private AuditEntry write(Tail tail, AuditEvent event, ObjectNode fieldNode, long at)
      throws IOException {
    Instant time = clock.instant();
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("seq", tail.nextSequence());
    body.put("time", time.toString());
    body.put("event", event.wireName());
    body.set("fields", fieldNode);
    body.put("prev", tail.hash());
    byte[] bodyBytes = CanonicalJson.bytes(body);
    String hash = Digests.sha256Hex(bodyBytes);
    ObjectNode line = body.deepCopy();
    line.put("hash", hash);
    if (signer != null) {
      SignedEnvelope.Signature sig = signer.sign(ENTRY_TYPE, bodyBytes);
      line.putObject("sig")
          .put("keyid", sig.keyId())
          .put("sig", Base64.getEncoder().encodeToString(sig.bytes()));
    }
    String json = new String(CanonicalJson.bytes(line), StandardCharsets.UTF_8);
    byte[] bytes = (json + "\n").getBytes(StandardCharsets.UTF_8);
    if (bytes.length > MAX_LINE_BYTES) {
      throw new IllegalArgumentException(
          "audit entry of " + bytes.length + " bytes exceeds " + MAX_LINE_BYTES);
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    long pos = at;
    while (buf.hasRemaining()) {
      pos += channel.write(buf, pos);
    }
    return new AuditEntry(
        tail.nextSequence(), time, event, fields(fieldNode), tail.hash(), hash, json);
  }

  /**
   * Where a torn last line starts (the file does not end with a newline), or -1. A torn line is a
   * prefix of one bounded entry, so its start lies within the last {@code MAX_LINE_BYTES} bytes.
   */
  private long tornTailAt(long size) throws IOException {
    if (size == 0) {
      return -1;
    }
    byte[] bytes = lastBytes(size);
    if (bytes[bytes.length - 1] == '\n') {
      return -1;
    }
    int newline = lastNewline(bytes, bytes.length - 1, size);
    return size - bytes.length + newline + 1;
  }

  /** The last {@code MAX_LINE_BYTES + 1} bytes of the file (all of it when shorter). */
  private byte[] lastBytes(long size) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(size, MAX_LINE_BYTES + 1L));
    long from = size - buf.capacity();
    while (buf.hasRemaining() && channel.read(buf, from + buf.position()) >= 0) {}
    return buf.array();
  }

  /** The index of the last newline at or before {@code at}; -1 only when the window is the file. */
  private int lastNewline(byte[] bytes, int at, long size) throws HybridStorageException {
    int i = at;
    while (i >= 0 && bytes[i] != '\n') {
      i--;
    }
    if (i < 0 && size > bytes.length) {
      throw damaged("its last line is longer than " + MAX_LINE_BYTES + " bytes");
    }
    return i;
  }

  private static String cut(String s) {
    return s.length() <= MAX_VALUE_CHARS ? s : s.substring(0, MAX_VALUE_CHARS) + "...";
  }

  private record Tail(long nextSequence, String hash) {}

  /** The sequence number and hash the next entry chains to, from the last line of the file. */
  private Tail readTail(long size) throws IOException {
    if (size == 0) {
      return new Tail(0, GENESIS);
    }
    byte[] bytes = lastBytes(size);
    int window = bytes.length;
    if (bytes[window - 1] != '\n') {
      throw damaged("its last entry is incomplete (a torn write?)"); // append repairs it first
    }
    int start = lastNewline(bytes, window - 2, size);
    try {
      JsonNode last = ManifestCodec.JSON.readTree(bytes, start + 1, window - 2 - start);
      if (last.path("seq").canConvertToLong() && Digests.isSha256Hex(last.path("hash").asText())) {
        return new Tail(last.get("seq").asLong() + 1, last.get("hash").asText());
      }
    } catch (IOException e) {
      // fall through: not an entry
    }
    throw damaged("its last line is not an audit entry");
  }

  private HybridStorageException damaged(String why) {
    return new HybridStorageException(
        "audit log '"
            + file
            + "' cannot be appended to: "
            + why
            + "; run AuditLog.verify on it and start a new log");
  }

  private static Map<String, String> fields(JsonNode node) {
    Map<String, String> out = new TreeMap<>();
    node.properties().iterator().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  /** Checks the chain of the log at {@code file}, without checking signatures. */
  public static AuditVerification verify(Path file) throws IOException {
    return verify(file, null);
  }

  /**
   * Checks the chain of the log at {@code file}; with {@code signers}, every entry must also carry
   * a valid signature by one of its keys.
   */
  public static AuditVerification verify(Path file, TrustRoot signers) throws IOException {
    String prev = GENESIS;
    long index = 0;
    try (AuditLines lines = new AuditLines(file, MAX_LINE_BYTES)) {
      for (java.util.Optional<byte[]> raw = lines.next();
          raw != null;
          raw = lines.next(), index++) {
        if (raw.isEmpty()) {
          return AuditVerification.bad(
              index, index + 1, "longer than " + MAX_LINE_BYTES + " bytes");
        }
        if (lines.unterminated()) {
          return AuditVerification.bad(
              index,
              index + 1,
              "torn tail: line "
                  + (index + 1)
                  + " at byte offset "
                  + lines.lineStart()
                  + " ("
                  + raw.get().length
                  + " bytes) has no newline, an append interrupted by a crash; the next append"
                  + " removes it and records a log_repaired entry");
        }
        String problem = problem(raw.get(), index, prev, signers);
        if (problem != null) {
          return AuditVerification.bad(index, index + 1, problem);
        }
        prev = ManifestCodec.JSON.readTree(raw.get()).get("hash").asText();
      }
    }
    return AuditVerification.good(index);
  }

  /** What is wrong with entry {@code index}, or null when it is in place and intact. */
  private static String problem(byte[] raw, long index, String prev, TrustRoot signers) {
    ObjectNode line;
    try {
      JsonNode node = ManifestCodec.JSON.readTree(raw);
      if (node == null || !node.isObject()) {
        return "not a JSON object";
      }
      line = (ObjectNode) node;
      if (!java.util.Arrays.equals(raw, CanonicalJson.bytes(line))) {
        return "not in canonical form (edited)";
      }
    } catch (IOException e) {
      return "not valid JSON (edited or torn)";
    }
    String hash = line.path("hash").asText();
    JsonNode sig = line.get("sig");
    ObjectNode body = line.deepCopy();
    body.remove("hash");
    body.remove("sig");
    Iterator<String> names = body.fieldNames();
    while (names.hasNext()) {
      if (!BODY_FIELDS.contains(names.next())) {
        return "has an unknown field (edited)";
      }
    }
    byte[] bodyBytes;
    try {
      bodyBytes = CanonicalJson.bytes(body);
    } catch (IOException e) {
      return "cannot be re-serialised";
    }
    if (!Digests.sha256Hex(bodyBytes).equals(hash)) {
      return "its content does not match its hash (edited)";
    }
    if (!body.path("seq").canConvertToLong() || body.get("seq").asLong() != index) {
      return "carries sequence "
          + body.path("seq").asText()
          + " (an entry before it was removed,"
          + " or entries were reordered or inserted)";
    }
    if (!prev.equals(body.path("prev").asText())) {
      return "does not chain to the entry before it (removed, reordered or inserted entries)";
    }
    try {
      AuditEvent.fromWire(body.path("event").asText());
    } catch (IllegalArgumentException e) {
      return "unknown event '" + body.path("event").asText() + "'";
    }
    if (signers != null) {
      if (sig == null || !sig.path("keyid").isTextual() || !sig.path("sig").isTextual()) {
        return "is not signed";
      }
      try {
        SignedEnvelope.Signature s =
            new SignedEnvelope.Signature(
                sig.get("keyid").asText(), Base64.getDecoder().decode(sig.get("sig").asText()));
        signers.verify(
            new SignedEnvelope(ENTRY_TYPE, bodyBytes, List.of(s)), "audit entry " + index);
      } catch (ManifestRejectedException | IllegalArgumentException e) {
        return "signature refused: " + e.getMessage();
      }
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  @Override
  public String toString() {
    return "AuditLog[" + file + "]";
  }

  /** Configures an {@link AuditLog}. */
  public static final class Builder {
    private final Path file;
    private ManifestSigner signer;
    private boolean fsync = true;
    private final List<AuditSink> sinks = new ArrayList<>();
    private Clock clock = Clock.systemUTC();

    private Builder(Path file) {
      this.file = Objects.requireNonNull(file, "file");
    }

    /** Signs every entry (verify with {@link AuditLog#verify(Path, TrustRoot)}). */
    public Builder signer(ManifestSigner signer) {
      this.signer = signer;
      return this;
    }

    /** Force each entry to disk before append returns (default true). */
    public Builder fsync(boolean everyEntry) {
      this.fsync = everyEntry;
      return this;
    }

    /** Also hands every appended entry to {@code sink}. */
    public Builder sink(AuditSink sink) {
      sinks.add(Objects.requireNonNull(sink, "sink"));
      return this;
    }

    /** The clock entry times are taken from (default the system UTC clock). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Opens (creating if needed) the configured log. */
    public AuditLog build() throws IOException {
      return new AuditLog(this);
    }
  }
}
