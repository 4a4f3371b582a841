package io.btfshybrid.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The copies a scrub already settled, one JSON line each after a header naming the manifest hash,
 * so an interrupted scrub of the same manifest resumes where it stopped. Unreachable copies are not
 * recorded (a resumed scrub asks again); a file of another manifest, or one that does not parse, is
 * started over. A torn last line is ignored.
 */
final class ScrubCheckpoint implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(ScrubCheckpoint.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, ScrubFinding> done;
  private final BufferedWriter writer;

  private ScrubCheckpoint(Map<String, ScrubFinding> done, BufferedWriter writer) {
    this.done = done;
    this.writer = writer;
  }

  /** Opens (or starts) the checkpoint {@code file} of the manifest hashing to {@code hash}. */
  static ScrubCheckpoint open(Path file, String hash) throws IOException {
    Map<String, ScrubFinding> done = new HashMap<>();
    if (Files.exists(file) && readInto(file, hash, done)) {
      return new ScrubCheckpoint(
          done, Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND));
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    ObjectNode header = JSON.createObjectNode().put("scrubCheckpoint", 1).put("manifest", hash);
    w.write(JSON.writeValueAsString(header));
    w.newLine();
    w.flush();
    return new ScrubCheckpoint(Map.of(), w);
  }

  private static boolean readInto(Path file, String hash, Map<String, ScrubFinding> done)
      throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    try {
      if (lines.isEmpty() || !hash.equals(JSON.readTree(lines.get(0)).path("manifest").asText())) {
        LOG.info("scrub checkpoint {} is of another manifest; starting over", file);
        return false;
      }
      for (String line : lines.subList(1, lines.size())) {
        ScrubFinding f = parse(JSON.readTree(line));
        done.put(id(f.object(), f.tierId()), f);
      }
    } catch (IOException | RuntimeException e) {
      if (lines.size() > 1 && !lines.get(lines.size() - 1).endsWith("}")) {
        // a torn last line from a crash: everything before it stands, the tail is cut off
        List<String> whole = lines.subList(0, lines.size() - 1);
        AtomicFiles.write(
            file, (String.join("\n", whole) + "\n").getBytes(StandardCharsets.UTF_8), false);
        return true;
      }
      LOG.warn("scrub checkpoint {} does not parse ({}); starting over", file, e.toString());
      done.clear();
      return false;
    }
    return true;
  }

  private static ScrubFinding parse(JsonNode n) {
    JsonNode chunk = n.path("firstBadChunk");
    JsonNode pinned = n.path("pinned");
    return new ScrubFinding(
        n.get("object").asText(),
        n.get("tier").asText(),
        CopyStatus.valueOf(n.get("status").asText()),
        chunk.isInt() ? OptionalInt.of(chunk.asInt()) : OptionalInt.empty(),
        pinned.isBoolean() ? Optional.of(pinned.asBoolean()) : Optional.empty(),
        n.path("bytes").asLong(),
        n.path("detail").asText(""));
  }

  private static String id(String object, String tierId) {
    return tierId + "\u0000" + object;
  }

  /** The settled finding for {@code object} on {@code tierId}, if a previous run recorded one. */
  Optional<ScrubFinding> settled(String object, String tierId) {
    return Optional.ofNullable(done.get(id(object, tierId)));
  }

  /** Records a settled finding (unreachable ones are skipped); flushed at once. */
  synchronized void record(ScrubFinding f) throws IOException {
    if (f.status() == CopyStatus.UNREACHABLE) {
      return;
    }
    ObjectNode n =
        JSON.createObjectNode()
            .put("object", f.object())
            .put("tier", f.tierId())
            .put("status", f.status().name())
            .put("bytes", f.bytes())
            .put("detail", f.detail());
    f.firstBadChunk().ifPresent(c -> n.put("firstBadChunk", c));
    f.pinned().ifPresent(p -> n.put("pinned", p));
    writer.write(JSON.writeValueAsString(n));
    writer.newLine();
    writer.flush();
  }

  @Override
  public synchronized void close() throws IOException {
    writer.close();
  }
}
