package io.btfshybrid.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.btfshybrid.api.HybridStorageException;
import io.btfshybrid.api.ManifestRejectedException;
import io.btfshybrid.api.ManifestRejectedException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a client has seen of each dataset's latest pointer: the highest sequence and the manifest it
 * named. Kept in memory and, with a directory, in one small file per dataset (written atomically)
 * so rollback protection survives restarts. A pointer older than the one seen, or a different
 * pointer under the same sequence (a fork), is refused.
 */
final class TrustState {
  private static final int MAX_STATE_BYTES = 4096;

  private final Optional<Path> dir;
  private final Map<String, Seen> seen = new HashMap<>();

  record Seen(long sequence, String manifestSha256) {}

  TrustState(Optional<Path> dir) throws IOException {
    this.dir = dir;
    if (dir.isPresent()) {
      Files.createDirectories(dir.get());
    }
  }

  /** Refuses {@code pointer} when it is older than (or forks from) what was seen. */
  synchronized void check(LatestPointer pointer, String where) throws IOException {
    Optional<Seen> last = load(pointer.datasetId());
    if (last.isEmpty()) {
      return;
    }
    Seen s = last.get();
    if (pointer.sequence() < s.sequence()) {
      throw new ManifestRejectedException(
          Reason.ROLLBACK,
          where
              + " has sequence "
              + pointer.sequence()
              + " ("
              + pointer.datasetId()
              + "@"
              + pointer.version()
              + ") but sequence "
              + s.sequence()
              + " was already seen");
    }
    if (pointer.sequence() == s.sequence()
        && !pointer.manifestSha256().equals(s.manifestSha256())) {
      throw new ManifestRejectedException(
          Reason.ROLLBACK,
          where
              + " has sequence "
              + pointer.sequence()
              + " naming manifest "
              + pointer.manifestSha256()
              + ", but the same sequence named "
              + s.manifestSha256()
              + " before (a forked pointer)");
    }
  }

  /** Remembers {@code pointer} when it is newer than what was seen. */
  synchronized void record(LatestPointer pointer, String where) throws IOException {
    check(pointer, where);
    Optional<Seen> last = load(pointer.datasetId());
    if (last.isPresent() && last.get().sequence() >= pointer.sequence()) {
      return;
    }
    Seen now = new Seen(pointer.sequence(), pointer.manifestSha256());
    seen.put(pointer.datasetId(), now);
    if (dir.isPresent()) {
      ObjectNode n = JsonNodeFactory.instance.objectNode();
      n.put("datasetId", pointer.datasetId());
      n.put("sequence", now.sequence());
      n.put("manifestSha256", now.manifestSha256());
      AtomicFiles.write(fileFor(pointer.datasetId()), CanonicalJson.bytes(n), false);
    }
  }

  private Optional<Seen> load(String datasetId) throws IOException {
    Seen known = seen.get(datasetId);
    if (known != null || dir.isEmpty()) {
      return Optional.ofNullable(known);
    }
    Path file = fileFor(datasetId);
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_STATE_BYTES + 1);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    try {
      JsonNode n = ManifestCodec.JSON.readTree(bytes);
      if (bytes.length > MAX_STATE_BYTES
          || !datasetId.equals(n.path("datasetId").asText())
          || !n.path("sequence").canConvertToLong()
          || !Digests.isSha256Hex(n.path("manifestSha256").asText())) {
        throw new IOException("unexpected content");
      }
      Seen s = new Seen(n.get("sequence").asLong(), n.get("manifestSha256").asText());
      seen.put(datasetId, s);
      return Optional.of(s);
    } catch (IOException e) {
      throw new HybridStorageException(
          "trust state file '"
              + file
              + "' is damaged ("
              + e.getMessage()
              + "); refusing to guess which pointer was seen last",
          e);
    }
  }

  private Path fileFor(String datasetId) {
    return dir.orElseThrow()
        .resolve(ShardPaths.checkName("dataset id", datasetId) + ".latest.json");
  }
}
