package io.btfshybrid.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.btfshybrid.api.ManifestRejectedException;
import io.btfshybrid.api.ManifestRejectedException.Reason;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Set;

/**
 * A streaming pass over a manifest that refuses any shape no manifest has (a container where none
 * belongs, too deep, too many shards, locations or tags, overlong strings or numbers) before a JSON
 * tree of it is built, so what the tree costs is bounded by what a real manifest costs.
 */
final class ManifestShape {
  /** A kind of container a manifest has: where, object or array, and its most entries. */
  private record Kind(boolean array, int maxEntries) {}

  /** Every container a manifest has, by path ({@code []} is an array's element). */
  private static final Map<String, Kind> CONTAINERS =
      Map.ofEntries(
          Map.entry("", new Kind(false, 64)),
          Map.entry("tags", new Kind(false, ManifestCodec.MAX_TAGS)),
          Map.entry("encryption", new Kind(false, 16)),
          Map.entry("policy", new Kind(false, 8)),
          Map.entry("policy.principals", new Kind(true, AccessPolicy.MAX_ENTRIES)),
          Map.entry("policy.groups", new Kind(true, AccessPolicy.MAX_ENTRIES)),
          Map.entry("shards", new Kind(true, ManifestCodec.MAX_SHARDS)),
          Map.entry("shards[]", new Kind(false, 64)),
          Map.entry("shards[].chunks", new Kind(true, Integer.MAX_VALUE)),
          Map.entry("shards[].locations", new Kind(true, ManifestCodec.MAX_LOCATIONS_PER_SHARD)),
          Map.entry("shards[].sampleIndex", new Kind(false, 8)),
          Map.entry(
              "shards[].sampleIndex.locations",
              new Kind(true, ManifestCodec.MAX_LOCATIONS_PER_SHARD)));

  /** Where location hints are: a shard's, and its sample index blob's. */
  private static final Set<String> LOCATION =
      Set.of("shards[].locations[]", "shards[].sampleIndex.locations[]");

  private static final Kind LOCATION_KIND = new Kind(false, 8);

  /** An open container while walking: its path, kind and entries so far. */
  private static final class Open {
    final String path;
    final Kind kind;
    int entries;

    Open(String path, Kind kind) {
      this.path = path;
      this.kind = kind;
    }
  }

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(6)
                  .maxNumberLength(32)
                  .maxStringLength(ManifestCodec.MAX_STRING)
                  .maxNameLength(ManifestCodec.MAX_STRING)
                  .maxDocumentLength(ManifestCodec.MAX_MANIFEST_BYTES)
                  .build())
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  private ManifestShape() {}

  /** Refuses {@code json} unless its containers and sizes fit a manifest's. */
  static void check(byte[] json) throws ManifestRejectedException {
    try (JsonParser p = FACTORY.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw malformed("a manifest must be a JSON object");
      }
      walk(p);
      if (p.nextToken() != null) {
        throw malformed("trailing content after the manifest");
      }
    } catch (StreamConstraintsException e) {
      throw new ManifestRejectedException(
          Reason.TOO_LARGE, "manifest exceeds a parser limit: " + e.getOriginalMessage(), e);
    } catch (ManifestRejectedException e) {
      throw e;
    } catch (JsonProcessingException e) {
      throw new ManifestRejectedException(
          Reason.MALFORMED, "not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ManifestRejectedException(Reason.MALFORMED, "not valid JSON: " + e, e);
    }
  }

  /** Walks the root object; a stack holds the open containers. */
  private static void walk(JsonParser p) throws IOException {
    Deque<Open> open = new ArrayDeque<>();
    open.push(new Open("", CONTAINERS.get("")));
    String field = null;
    while (!open.isEmpty()) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw malformed("the manifest ends inside a container");
      }
      Open current = open.peek();
      switch (t) {
        case END_OBJECT, END_ARRAY -> open.pop();
        case FIELD_NAME -> field = p.currentName();
        default -> {
          if (++current.entries > current.kind.maxEntries()) {
            throw new ManifestRejectedException(
                Reason.TOO_LARGE,
                "'"
                    + (current.path.isEmpty() ? "manifest" : current.path)
                    + "' holds more than "
                    + current.kind.maxEntries()
                    + " entries");
          }
          if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
            open.push(child(current, field, t == JsonToken.START_ARRAY));
          }
        }
      }
    }
  }

  private static Open child(Open parent, String field, boolean array)
      throws ManifestRejectedException {
    String path =
        parent.kind.array()
            ? parent.path + "[]"
            : parent.path.isEmpty() ? String.valueOf(field) : parent.path + "." + field;
    Kind kind = LOCATION.contains(path) ? LOCATION_KIND : CONTAINERS.get(path);
    if (kind == null || kind.array() != array) {
      throw malformed("a manifest has no " + (array ? "array" : "object") + " at '" + path + "'");
    }
    return new Open(path, kind);
  }

  private static ManifestRejectedException malformed(String detail) {
    return new ManifestRejectedException(Reason.MALFORMED, detail);
  }
}
