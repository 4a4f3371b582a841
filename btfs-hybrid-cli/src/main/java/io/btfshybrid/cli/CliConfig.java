package io.btfshybrid.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.StorageTierFactory;
import io.btfshybrid.api.TierKind;
import io.btfshybrid.api.TierSpec;
import io.btfshybrid.core.DatasetClient;
import io.btfshybrid.core.TrustRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The configuration file: region, tiers, cache, trust root and audit log. */
record CliConfig(
    Optional<String> region,
    List<TierSpec> tiers,
    Optional<Path> cacheDir,
    long cacheMaxBytes,
    Optional<Path> trust,
    Optional<Path> audit) {
  static final long DEFAULT_CACHE_BYTES = 8L << 30;

  static CliConfig load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("configuration file '" + file + "' does not exist");
    }
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    } catch (IOException e) {
      throw new ConfigException(
          "configuration file '" + file + "' is not valid YAML/JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new ConfigException("configuration file '" + file + "' must hold a mapping");
    }
    Path base = file.toAbsolutePath().getParent();
    List<TierSpec> tiers = new ArrayList<>();
    for (JsonNode t : root.path("tiers")) {
      tiers.add(tier(t, base, file));
    }
    JsonNode cache = root.path("cache");
    return new CliConfig(
        text(root, "region"),
        tiers,
        text(cache, "dir").map(d -> resolve(base, d)),
        text(cache, "maxBytes").map(Human::parseSize).orElse(DEFAULT_CACHE_BYTES),
        text(root, "trust").map(p -> resolve(base, p)),
        text(root, "audit").map(p -> resolve(base, p)));
  }

  private static TierSpec tier(JsonNode t, Path base, Path file) {
    String id =
        text(t, "id").orElseThrow(() -> new ConfigException("a tier in '" + file + "' has no id"));
    String type =
        text(t, "type")
            .orElseThrow(
                () -> new ConfigException("tier '" + id + "' has no type (file, s3, btfs)"));
    TierKind kind;
    try {
      kind = TierKind.parse(text(t, "kind").orElse(defaultKind(type)));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("tier '" + id + "': " + e.getMessage());
    }
    Map<String, String> settings = new TreeMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = t.properties().iterator();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      if (!List.of("id", "type", "kind", "region").contains(f.getKey())) {
        String value = f.getValue().asText();
        settings.put(
            f.getKey(), f.getKey().equals("root") ? resolve(base, value).toString() : value);
      }
    }
    return new TierSpec(id, type, kind, text(t, "region"), settings);
  }

  private static String defaultKind(String type) {
    return switch (type.toLowerCase(Locale.ROOT)) {
      case "s3" -> "cloud";
      case "btfs" -> "btfs";
      default -> "replica";
    };
  }

  private static Optional<String> text(JsonNode node, String field) {
    JsonNode v = node.path(field);
    return v.isMissingNode() || v.isNull() ? Optional.empty() : Optional.of(v.asText());
  }

  private static Path resolve(Path base, String path) {
    String expanded =
        path.startsWith("~/") ? System.getProperty("user.home") + path.substring(1) : path;
    return base.resolve(expanded).normalize();
  }

  /** Builds every configured tier through its ServiceLoader factory. */
  List<StorageTier> openTiers() throws IOException {
    if (tiers.isEmpty()) {
      throw new ConfigException("the configuration lists no tiers");
    }
    List<StorageTier> out = new ArrayList<>();
    for (TierSpec spec : tiers) {
      try {
        out.add(StorageTierFactory.forType(spec.type()).create(spec));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("tier '" + spec.id() + "': " + e.getMessage(), e);
      }
    }
    return out;
  }

  TrustRoot trustRoot(Optional<Path> override) throws IOException {
    Path file =
        override
            .or(() -> trust)
            .orElseThrow(
                () ->
                    new ConfigException(
                        "no trust root: set 'trust:' in the configuration or pass --trust"));
    return TrustRoot.load(file);
  }

  DatasetClient.Builder client(List<StorageTier> opened, TrustRoot trustRoot) {
    DatasetClient.Builder b = DatasetClient.builder().tiers(opened).trust(trustRoot);
    region.ifPresent(b::region);
    cacheDir.ifPresent(d -> b.cacheDirectory(d).cacheMaxBytes(cacheMaxBytes));
    return b;
  }
}
