package io.btfshybrid.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.btfshybrid.api.HybridStorageException;
import io.btfshybrid.api.ManifestRejectedException;
import io.btfshybrid.api.ManifestRejectedException.Reason;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * What a client has seen of each dataset's latest pointer: the highest sequence and the manifest it
 * named. Kept in memory and, with a directory, in one small file per dataset (written atomically
 * and durably, under a file lock, merged by maximum sequence) so rollback protection survives
 * restarts and is shared by every client and process using the directory. A pointer older than the
 * one seen, or a different pointer under the same sequence (a fork), is refused.
 */
final class TrustState {
  private static final int MAX_STATE_BYTES = 4096;
  private static final String LOCK_SUFFIX = ".latest.lock";

  /** One monitor per lock file: a file lock excludes other processes, not other threads. */
  private static final ConcurrentMap<Path, Object> PROCESS_LOCKS = new ConcurrentHashMap<>();

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
    if (last.isPresent()) {
      refuseRollback(pointer, last.get(), where);
    }
  }

  private static void refuseRollback(LatestPointer pointer, Seen s, String where)
      throws ManifestRejectedException {
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

  /**
   * Remembers {@code pointer} when it is newer than what was seen. With a directory, the file is
   * re-read and replaced under a lock (a file lock against other processes, a monitor against other
   * threads of this one) and only ever moves to a higher sequence, so clients sharing the directory
   * never regress it.
   */
  synchronized void record(LatestPointer pointer, String where) throws IOException {
    String datasetId = pointer.datasetId();
    if (dir.isEmpty()) {
      check(pointer, where);
      Seen last = seen.get(datasetId);
      if (last == null || last.sequence() < pointer.sequence()) {
        seen.put(datasetId, new Seen(pointer.sequence(), pointer.manifestSha256()));
      }
      return;
    }
    Path lockFile = dir.get().resolve(ShardPaths.checkName("dataset id", datasetId) + LOCK_SUFFIX);
    synchronized (
        PROCESS_LOCKS.computeIfAbsent(lockFile.toAbsolutePath().normalize(), k -> new Object())) {
      try (FileChannel channel =
          FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        FileLock lock = channel.lock();
        try {
          recordLocked(pointer, where);
        } finally {
          lock.release();
        }
      }
    }
  }

  /** The part of {@link #record} that runs while this process holds the directory's lock. */
  private void recordLocked(LatestPointer pointer, String where) throws IOException {
    String datasetId = pointer.datasetId();
    Optional<Seen> last = load(datasetId);
    if (last.isPresent()) {
      refuseRollback(pointer, last.get(), where);
      if (last.get().sequence() >= pointer.sequence()) {
        return;
      }
    }
    Seen now = new Seen(pointer.sequence(), pointer.manifestSha256());
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("datasetId", datasetId);
    n.put("sequence", now.sequence());
    n.put("manifestSha256", now.manifestSha256());
    AtomicFiles.write(fileFor(datasetId), CanonicalJson.bytes(n), false);
    seen.put(datasetId, now);
  }

  /** What was seen of {@code datasetId}: the higher of this instance's memory and the file. */
  private Optional<Seen> load(String datasetId) throws IOException {
    Seen known = seen.get(datasetId);
    if (dir.isEmpty()) {
      return Optional.ofNullable(known);
    }
    Optional<Seen> stored = read(datasetId);
    if (stored.isPresent() && (known == null || stored.get().sequence() >= known.sequence())) {
      seen.put(datasetId, stored.get());
      return stored;
    }
    return Optional.ofNullable(known);
  }

  private Optional<Seen> read(String datasetId) throws IOException {
    Path file = fileFor(datasetId);
    byte[] bytes;
    try {
      bytes =
          BoundedReads.readAtMost(
              Files.newInputStream(file), MAX_STATE_BYTES, "trust state file '" + file + "'");
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    try {
      JsonNode n = ManifestCodec.JSON.readTree(bytes);
      if (!datasetId.equals(n.path("datasetId").asText())
          || !n.path("sequence").canConvertToLong()
          || !Digests.isSha256Hex(n.path("manifestSha256").asText())) {
        throw new IOException("unexpected content");
      }
      return Optional.of(new Seen(n.get("sequence").asLong(), n.get("manifestSha256").asText()));
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
