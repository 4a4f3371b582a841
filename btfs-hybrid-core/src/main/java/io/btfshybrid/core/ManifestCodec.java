package io.btfshybrid.core;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.btfshybrid.api.DatasetManifest;
import io.btfshybrid.api.EncryptionInfo;
import io.btfshybrid.api.LocationHint;
import io.btfshybrid.api.ManifestPolicy;
import io.btfshybrid.api.ManifestRejectedException;
import io.btfshybrid.api.ManifestRejectedException.Reason;
import io.btfshybrid.api.SampleFormat;
import io.btfshybrid.api.SampleIndexRef;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.TierKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Canonical JSON for manifests: sorted keys, no insignificant white space, so one release always
 * yields the same bytes and the same manifest hash. Parsing is strict: unknown or missing fields,
 * wrong types, unsafe paths, inconsistent sizes and non-canonical input are refused with {@link
 * ManifestRejectedException} naming the field.
 */
public final class ManifestCodec {
  /** Upper bound on a manifest document, against endless-data attacks. */
  public static final int MAX_MANIFEST_BYTES = 64 << 20;

  static final int MAX_SHARDS = 1_000_000;
  static final int MAX_STRING = 4096;
  static final int MAX_TAGS = 1024;
  static final int MAX_LOCATIONS_PER_SHARD = 64;

  static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .build();

  private static final Set<String> MANIFEST_FIELDS =
      Set.of(
          "schemaVersion",
          "datasetId",
          "version",
          "createdAt",
          "expiresAt",
          "owner",
          "classification",
          "tags",
          "shards",
          "encryption",
          "policy",
          "revision");
  private static final Set<String> SHARD_FIELDS =
      Set.of(
          "path",
          "size",
          "sha256",
          "storedSize",
          "storedSha256",
          "chunkSize",
          "chunks",
          "locations",
          "format",
          "sampleCount",
          "sampleIndex");
  private static final Set<String> INDEX_FIELDS = Set.of("sha256", "size", "locations");

  private ManifestCodec() {}

  /** The canonical bytes of {@code manifest}. */
  public static byte[] toCanonicalJson(DatasetManifest manifest) {
    try {
      return JSON.writeValueAsBytes(toTree(manifest));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise manifest", e);
    }
  }

  /** Parses canonical manifest bytes, refusing anything malformed, unsafe or not canonical. */
  public static DatasetManifest parse(byte[] json) throws ManifestRejectedException {
    if (json.length > MAX_MANIFEST_BYTES) {
      throw new ManifestRejectedException(
          Reason.TOO_LARGE, "manifest of " + json.length + " bytes exceeds " + MAX_MANIFEST_BYTES);
    }
    ManifestShape.check(json);
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new ManifestRejectedException(Reason.MALFORMED, "not valid JSON: " + e.getMessage(), e);
    }
    DatasetManifest manifest = fromTree(root);
    if (manifest.encryption().isEmpty()) {
      for (ShardEntry s : manifest.shards()) {
        checkStoredAsDeclared(s);
      }
    }
    if (!Arrays.equals(json, toCanonicalJson(manifest))) {
      throw new ManifestRejectedException(
          Reason.MALFORMED, "manifest bytes are not in canonical form");
    }
    return manifest;
  }

  /**
   * The canonical bytes of {@code manifest} for signing, refused (TOO_LARGE, naming the limit) when
   * over {@link #MAX_MANIFEST_BYTES}, the most any client opens.
   */
  public static byte[] encode(DatasetManifest manifest) throws ManifestRejectedException {
    byte[] bytes = toCanonicalJson(manifest);
    if (bytes.length > MAX_MANIFEST_BYTES) {
      throw new ManifestRejectedException(
          Reason.TOO_LARGE,
          "the manifest of "
              + manifest.datasetId()
              + "@"
              + manifest.version()
              + " is "
              + bytes.length
              + " bytes, over the limit of "
              + MAX_MANIFEST_BYTES
              + " bytes clients open (fewer shards or larger chunks)");
    }
    return bytes;
  }

  /** An unencrypted shard is stored as it is read: declared and stored size and hash agree. */
  private static void checkStoredAsDeclared(ShardEntry s) throws ManifestRejectedException {
    if (s.size() != s.storedSize() || !s.sha256().equals(s.storedSha256())) {
      throw new ManifestRejectedException(
          Reason.INCONSISTENT_SHARD,
          "shard '"
              + s.path()
              + "' of an unencrypted release declares size "
              + s.size()
              + " and sha256 "
              + s.sha256()
              + " but is stored as size "
              + s.storedSize()
              + " and sha256 "
              + s.storedSha256());
    }
  }

  /** Builds objects whose fields iterate in key order, so a tree is canonical as it is built. */
  private static final class SortedNodes extends JsonNodeFactory {
    private static final long serialVersionUID = 1L;
    static final SortedNodes INSTANCE = new SortedNodes();

    @Override
    public ObjectNode objectNode() {
      return new ObjectNode(this, new TreeMap<>());
    }
  }

  /** The manifest as a tree in canonical (key) order. */
  private static ObjectNode toTree(DatasetManifest m) {
    JsonNodeFactory f = SortedNodes.INSTANCE;
    ObjectNode root = f.objectNode();
    root.put("schemaVersion", m.schemaVersion());
    root.put("datasetId", m.datasetId());
    root.put("version", m.version());
    if (m.revision() != DatasetManifest.FIRST_REVISION) {
      root.put("revision", m.revision());
    }
    root.put("createdAt", m.createdAt().toString());
    m.expiresAt().ifPresent(e -> root.put("expiresAt", e.toString()));
    root.put("owner", m.owner());
    root.put("classification", m.classification());
    ObjectNode tags = root.putObject("tags");
    m.tags().forEach(tags::put);
    m.encryption()
        .ifPresent(
            e -> {
              ObjectNode enc = root.putObject("encryption");
              enc.put("scheme", e.scheme());
              enc.put("segmentSize", e.segmentSize());
              enc.put("kekId", e.kekId());
              enc.put("wrappedKey", e.wrappedKey());
            });
    m.policy()
        .ifPresent(
            p -> {
              ObjectNode pol = root.putObject("policy");
              p.principals().forEach(pol.putArray("principals")::add);
              p.groups().forEach(pol.putArray("groups")::add);
            });
    ArrayNode shards = root.putArray("shards");
    for (ShardEntry s : m.shards()) {
      ObjectNode n = shards.addObject();
      n.put("path", s.path());
      n.put("size", s.size());
      n.put("sha256", s.sha256());
      n.put("storedSize", s.storedSize());
      n.put("storedSha256", s.storedSha256());
      n.put("chunkSize", s.chunkSize());
      s.chunkHashes().forEach(n.putArray("chunks")::add);
      putLocations(n.putArray("locations"), s.locations());
      if (s.hasSampleIndex()) {
        n.put("format", s.format().id());
        n.put("sampleCount", s.sampleCount());
        ObjectNode index = n.putObject("sampleIndex");
        index.put("sha256", s.sampleIndex().sha256());
        index.put("size", s.sampleIndex().size());
        putLocations(index.putArray("locations"), s.sampleIndex().locations());
      }
    }
    return root;
  }

  private static void putLocations(ArrayNode locs, List<LocationHint> hints) {
    for (LocationHint h : hints) {
      ObjectNode l = locs.addObject();
      l.put("tier", h.tierId());
      l.put("kind", h.kind().name());
      h.region().ifPresent(r -> l.put("region", r));
      l.put("uri", h.uri().toString());
    }
  }

  /** A deep copy of {@code node} with every object's fields in key order. */
  static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      ObjectNode copy = JsonNodeFactory.instance.objectNode();
      Map<String, JsonNode> fields = new TreeMap<>();
      node.properties().iterator().forEachRemaining(e -> fields.put(e.getKey(), e.getValue()));
      fields.forEach((k, v) -> copy.set(k, sorted(v)));
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = JsonNodeFactory.instance.arrayNode();
      node.forEach(child -> copy.add(sorted(child)));
      return copy;
    }
    return node;
  }

  private static DatasetManifest fromTree(JsonNode root) throws ManifestRejectedException {
    ManifestFields m = new ManifestFields(root, "manifest", MANIFEST_FIELDS);
    int schema = (int) m.number("schemaVersion", 1, Integer.MAX_VALUE);
    if (schema != DatasetManifest.SCHEMA_VERSION) {
      throw malformed(
          "unsupported schemaVersion "
              + schema
              + " (this library reads "
              + DatasetManifest.SCHEMA_VERSION
              + ")");
    }
    DatasetManifest.Builder b =
        DatasetManifest.builder()
            .schemaVersion(schema)
            .datasetId(m.text("datasetId"))
            .version(m.text("version"))
            .createdAt(m.instant("createdAt"))
            .owner(m.text("owner"))
            .classification(m.text("classification"));
    if (m.has("expiresAt")) {
      b.expiresAt(m.instant("expiresAt"));
    }
    if (m.has("revision")) {
      b.revision((int) m.number("revision", DatasetManifest.FIRST_REVISION + 1, Integer.MAX_VALUE));
    }
    JsonNode tags = m.object("tags");
    if (tags.size() > MAX_TAGS) {
      throw new ManifestRejectedException(
          Reason.TOO_LARGE, tags.size() + " tags exceed the limit of " + MAX_TAGS);
    }
    Iterator<Map.Entry<String, JsonNode>> it = tags.properties().iterator();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        throw malformed("tag '" + e.getKey() + "' must be a string");
      }
      b.tag(e.getKey(), e.getValue().asText());
    }
    if (m.has("encryption")) {
      ManifestFields e =
          new ManifestFields(
              m.object("encryption"),
              "encryption",
              Set.of("scheme", "segmentSize", "kekId", "wrappedKey"));
      b.encryption(
          new EncryptionInfo(
              e.text("scheme"),
              (int) e.number("segmentSize", 1, ShardEntry.MAX_CHUNK_SIZE),
              e.text("kekId"),
              e.text("wrappedKey")));
    }
    if (m.has("policy")) {
      ManifestFields p =
          new ManifestFields(m.object("policy"), "policy", Set.of("principals", "groups"));
      List<String> principals = p.strings("principals");
      List<String> groups = p.strings("groups");
      if (principals.size() + groups.size() > AccessPolicy.MAX_ENTRIES) {
        throw new ManifestRejectedException(
            Reason.TOO_LARGE,
            "policy lists "
                + (principals.size() + groups.size())
                + " principals and groups, more than "
                + AccessPolicy.MAX_ENTRIES);
      }
      b.policy(new ManifestPolicy(principals, groups));
    }
    JsonNode shards = m.array("shards");
    if (shards.size() > MAX_SHARDS) {
      throw new ManifestRejectedException(
          Reason.TOO_LARGE, shards.size() + " shards exceed the limit of " + MAX_SHARDS);
    }
    Set<String> paths = new HashSet<>();
    for (JsonNode node : shards) {
      ShardEntry shard = shard(node);
      if (!paths.add(shard.path())) {
        throw malformed("shard path '" + shard.path() + "' appears twice");
      }
      b.shard(shard);
    }
    try {
      ShardPaths.checkName("datasetId", root.get("datasetId").asText());
      ShardPaths.checkName("version", root.get("version").asText());
      return b.build();
    } catch (IllegalArgumentException e) {
      throw malformed(e.getMessage());
    }
  }

  private static ShardEntry shard(JsonNode node) throws ManifestRejectedException {
    ManifestFields s = new ManifestFields(node, "shard", SHARD_FIELDS);
    String path = s.text("path");
    Optional<String> unsafe = ShardPaths.problem(path);
    if (unsafe.isPresent()) {
      throw new ManifestRejectedException(Reason.UNSAFE_PATH, unsafe.get());
    }
    ManifestFields named = new ManifestFields(node, "shard '" + path + "'", SHARD_FIELDS);
    long size = named.number("size", 0, Long.MAX_VALUE);
    long storedSize = named.number("storedSize", 0, Long.MAX_VALUE);
    int chunkSize = (int) named.number("chunkSize", 1, ShardEntry.MAX_CHUNK_SIZE);
    String sha = named.hash("sha256");
    String storedSha = named.hash("storedSha256");
    List<String> chunks = named.strings("chunks");
    for (String c : chunks) {
      if (!Digests.isSha256Hex(c)) {
        throw malformed(
            "shard '" + path + "' has a chunk hash that is not SHA-256 hex: '" + c + "'");
      }
    }
    List<LocationHint> hints =
        locations(named.array("locations"), "shard '" + path + "'", "'" + path + "'");
    try {
      ShardEntry entry =
          new ShardEntry(path, size, sha, storedSize, storedSha, chunkSize, chunks, hints);
      return withSamples(entry, named);
    } catch (IllegalArgumentException e) {
      throw malformed(e.getMessage());
    }
  }

  /**
   * {@code entry} with the shard's sample fields: none or {@code "raw"} leave it one raw sample;
   * any other format needs a sample count and an index blob.
   */
  private static ShardEntry withSamples(ShardEntry entry, ManifestFields named)
      throws ManifestRejectedException {
    if (!named.has("format") && !named.has("sampleCount") && !named.has("sampleIndex")) {
      return entry;
    }
    String path = entry.path();
    SampleFormat format;
    try {
      format = SampleFormat.fromId(named.text("format"));
    } catch (IllegalArgumentException e) {
      throw malformed("shard '" + path + "': " + e.getMessage());
    }
    if (format == SampleFormat.RAW) {
      // Raw is written without sample fields; spelling them out is not canonical and is refused.
      throw malformed("shard '" + path + "' is raw and must not list sample fields");
    }
    long count = named.number("sampleCount", 0, Long.MAX_VALUE);
    ManifestFields index =
        new ManifestFields(
            named.object("sampleIndex"), "sample index of '" + path + "'", INDEX_FIELDS);
    SampleIndexRef ref =
        new SampleIndexRef(
            index.hash("sha256"),
            index.number("size", 0, Long.MAX_VALUE),
            locations(
                index.array("locations"),
                "the sample index of shard '" + path + "'",
                "the sample index of '" + path + "'"));
    return entry.withSamples(format, count, ref);
  }

  /** Location hints of {@code where} (its locations named "location of {@code what}"). */
  private static List<LocationHint> locations(JsonNode locations, String where, String what)
      throws ManifestRejectedException {
    List<LocationHint> hints = new ArrayList<>();
    if (locations.size() > MAX_LOCATIONS_PER_SHARD) {
      throw new ManifestRejectedException(
          Reason.TOO_LARGE,
          where
              + " lists "
              + locations.size()
              + " locations, more than "
              + MAX_LOCATIONS_PER_SHARD);
    }
    for (JsonNode l : locations) {
      ManifestFields h =
          new ManifestFields(l, "location of " + what, Set.of("tier", "kind", "region", "uri"));
      TierKind kind;
      try {
        kind = TierKind.parse(h.text("kind"));
      } catch (IllegalArgumentException e) {
        throw malformed(e.getMessage());
      }
      hints.add(
          new LocationHint(
              h.text("tier"),
              kind,
              h.has("region") ? Optional.of(h.text("region")) : Optional.empty(),
              h.uri("uri")));
    }
    return hints;
  }

  static ManifestRejectedException malformed(String detail) {
    return new ManifestRejectedException(Reason.MALFORMED, detail);
  }
}
