package io.btfshybrid.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.base.Preconditions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tier health a client remembers across runs: one JSON file, {@value #FILE_NAME}, in the state
 * directory, replaced atomically on every save. A file that cannot be read or parsed is ignored
 * with a warning (health then starts afresh and the next save replaces it); it never fails a
 * client. Clients sharing a directory overwrite each other's file: the last to save wins.
 */
final class HealthStateFile {
  static final String FILE_NAME = "tier-health.json";
  static final String FORMAT = "btfs-hybrid-tier-health/1";
  private static final long MAX_BYTES = 4L << 20;
  private static final Logger LOG = LoggerFactory.getLogger(HealthStateFile.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private volatile Optional<String> warning = Optional.empty();
  private volatile Optional<Instant> savedAt = Optional.empty();

  HealthStateFile(Path directory) {
    this.file = directory.resolve(FILE_NAME);
  }

  Path file() {
    return file;
  }

  /** Why the stored state was ignored or could not be saved, if it was. */
  Optional<String> warning() {
    return warning;
  }

  /** When the state {@link #load} found was saved, if it found a usable one. */
  Optional<Instant> savedAt() {
    return savedAt;
  }

  /** The stored state per source; empty when there is none or it is unusable. */
  Map<String, TierHealth.State> load() {
    Optional<JsonNode> root = read();
    if (root.isEmpty()) {
      return Map.of();
    }
    try {
      Map<String, TierHealth.State> out = new TreeMap<>();
      Iterator<Map.Entry<String, JsonNode>> tiers =
          root.get().path("tiers").properties().iterator();
      while (tiers.hasNext()) {
        Map.Entry<String, JsonNode> t = tiers.next();
        out.put(t.getKey(), state(t.getValue()));
      }
      savedAt = Optional.of(Instant.parse(root.get().path("savedAt").asText()));
      return out;
    } catch (IllegalArgumentException e) {
      ignore(e.getMessage());
      return Map.of();
    }
  }

  private Optional<JsonNode> read() {
    try {
      long size = Files.size(file);
      Preconditions.checkArgument(size <= MAX_BYTES, "%s bytes, more than %s", size, MAX_BYTES);
      JsonNode root = JSON.readTree(Files.readAllBytes(file));
      Preconditions.checkArgument(
          root != null && FORMAT.equals(root.path("format").asText()), "not a %s document", FORMAT);
      Instant.parse(root.path("savedAt").asText());
      Preconditions.checkArgument(root.path("tiers").isObject(), "no 'tiers' object");
      return Optional.of(root);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      ignore(e.getMessage());
      return Optional.empty();
    }
  }

  private void ignore(String why) {
    String text = "ignoring unusable tier health state " + file + ": " + why;
    warning = Optional.of(text);
    LOG.warn("{}; tier health starts afresh", text);
  }

  private static TierHealth.State state(JsonNode t) {
    TierHealth.Totals totals =
        new TierHealth.Totals(
            count(t, "bytes"),
            count(t, "chunks"),
            count(t, "errors"),
            count(t, "integrityFailures"),
            count(t, "stalls"),
            count(t, "readNanos"));
    return new TierHealth.State(
        totals,
        number(t, "penalty"),
        count(t, "penaltyAt"),
        number(t, "distrust"),
        count(t, "distrustAt"),
        number(t, "latencyMillis"),
        buckets(t.path("firstByteNanos")),
        buckets(t.path("chunkNanos")));
  }

  private static long count(JsonNode t, String field) {
    JsonNode v = t.path(field);
    Preconditions.checkArgument(
        v.canConvertToLong() && v.isIntegralNumber() && v.asLong() >= 0,
        "'%s' is not a count: %s",
        field,
        v);
    return v.asLong();
  }

  private static double number(JsonNode t, String field) {
    JsonNode v = t.path(field);
    Preconditions.checkArgument(
        v.isNumber() && v.asDouble() >= 0 && Double.isFinite(v.asDouble()),
        "'%s' is not a non-negative number: %s",
        field,
        v);
    return v.asDouble();
  }

  private static SortedMap<Integer, Long> buckets(JsonNode node) {
    Preconditions.checkArgument(node.isObject(), "a histogram is not an object: %s", node);
    SortedMap<Integer, Long> out = new TreeMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      int index;
      try {
        index = Integer.parseInt(e.getKey());
      } catch (NumberFormatException ex) {
        throw new IllegalArgumentException("histogram bucket '" + e.getKey() + "'", ex);
      }
      Preconditions.checkArgument(
          index >= 0 && index < LatencyHistogram.BUCKETS, "no histogram bucket %s", index);
      Preconditions.checkArgument(
          e.getValue().isIntegralNumber()
              && e.getValue().asLong() > 0
              && e.getValue().asLong() <= LatencyHistogram.AGE_AT,
          "bucket %s count %s",
          index,
          e.getValue());
      out.put(index, e.getValue().asLong());
    }
    return out;
  }

  /** Replaces the stored state; a failure is a warning, never an error of the caller. */
  synchronized void save(Map<String, TierHealth.State> tiers, Instant now) {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("savedAt", now.toString());
    ObjectNode all = root.putObject("tiers");
    tiers.forEach((id, s) -> write(all.putObject(id), s));
    try {
      AtomicFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root), false);
    } catch (IOException | RuntimeException e) {
      String text = "cannot save tier health to " + file + ": " + e.getMessage();
      warning = Optional.of(text);
      LOG.warn(text);
    }
  }

  private static void write(ObjectNode o, TierHealth.State s) {
    TierHealth.Totals t = s.totals();
    o.put("bytes", t.bytes());
    o.put("chunks", t.chunks());
    o.put("errors", t.errors());
    o.put("integrityFailures", t.integrity());
    o.put("stalls", t.stalls());
    o.put("readNanos", t.readNanos());
    o.put("penalty", s.penalty());
    o.put("penaltyAt", s.penaltyAt());
    o.put("distrust", s.distrust());
    o.put("distrustAt", s.distrustAt());
    o.put("latencyMillis", s.latencyMillis());
    ObjectNode first = o.putObject("firstByteNanos");
    s.firstByte().forEach((i, n) -> first.put(Integer.toString(i), n));
    ObjectNode chunk = o.putObject("chunkNanos");
    s.chunkLatency().forEach((i, n) -> chunk.put(Integer.toString(i), n));
  }
}
