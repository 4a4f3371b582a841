package io.btfshybrid.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.StorageTierFactory;
import io.btfshybrid.api.TierKind;
import io.btfshybrid.api.TierSpec;
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

/**
 * The client configuration file (YAML or JSON): region, tiers, cache, trust root, audit log and
 * tier health state directory. Relative paths are resolved against the file's directory; unknown
 * keys are refused naming the nearest valid one; tiers are built by the {@link StorageTierFactory}
 * of their type.
 */
public record ClientConfig(
    Optional<String> region,
    List<TierSpec> tiers,
    Optional<Path> cacheDir,
    long cacheMaxBytes,
    Optional<Path> trust,
    Optional<Path> audit,
    Optional<Path> healthState) {
  /** The cache bound when the file names none. */
  public static final long DEFAULT_CACHE_BYTES = 8L << 30;

  /** Copies the tier list. */
  public ClientConfig {
    tiers = List.copyOf(tiers);
  }

  /** Reads {@code file}, or an error naming it when it is missing or malformed. */
  public static ClientConfig load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigurationException("configuration file '" + file + "' does not exist");
    }
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    } catch (IOException e) {
      throw new ConfigurationException(
          "configuration file '" + file + "' is not valid YAML/JSON: " + e.getMessage(), e);
    }
    return of(root, file.toAbsolutePath().getParent(), file.toString());
  }

  /**
   * Parses configuration {@code text} (YAML or JSON) whose relative paths are resolved against
   * {@code base}; {@code source} names it in errors.
   */
  public static ClientConfig parse(String text, Path base, String source) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(text);
    } catch (IOException e) {
      throw new ConfigurationException(
          "configuration " + source + " is not valid YAML/JSON: " + e.getMessage(), e);
    }
    return of(root, base.toAbsolutePath(), source);
  }

  private static ClientConfig of(JsonNode root, Path base, String source) {
    if (root == null || !root.isObject()) {
      throw new ConfigurationException("configuration file '" + source + "' must hold a mapping");
    }
    ConfigKeys.check(root, "", ConfigKeys.TOP);
    List<TierSpec> tiers = new ArrayList<>();
    int index = 0;
    for (JsonNode t : root.path("tiers")) {
      tiers.add(tier(t, base, source, index++));
    }
    JsonNode cache = root.path("cache");
    ConfigKeys.check(cache, "cache.", ConfigKeys.CACHE);
    return new ClientConfig(
        text(root, "region"),
        tiers,
        text(cache, "dir").map(d -> resolve(base, d)),
        text(cache, "maxBytes").map(Sizes::parse).orElse(DEFAULT_CACHE_BYTES),
        text(root, "trust").map(p -> resolve(base, p)),
        text(root, "audit").map(p -> resolve(base, p)),
        text(root, "healthState").map(p -> resolve(base, p)));
  }

  private static TierSpec tier(JsonNode t, Path base, String source, int index) {
    String id =
        text(t, "id")
            .orElseThrow(() -> new ConfigurationException("a tier in '" + source + "' has no id"));
    String type =
        text(t, "type")
            .orElseThrow(
                () -> new ConfigurationException("tier '" + id + "' has no type (file, s3, btfs)"));
    ConfigKeys.checkTier(t, "tiers[" + index + "].", type);
    TierKind kind;
    try {
      kind = TierKind.parse(text(t, "kind").orElse(defaultKind(type)));
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("tier '" + id + "': " + e.getMessage());
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

  /** Builds every configured tier, or an error when none is configured or one is misconfigured. */
  public List<StorageTier> openTiers() throws IOException {
    if (tiers.isEmpty()) {
      throw new ConfigurationException("the configuration lists no tiers");
    }
    List<StorageTier> out = new ArrayList<>();
    for (TierSpec spec : tiers) {
      out.add(openTier(spec));
    }
    return out;
  }

  /** Builds one tier through its type's factory; a bad setting is an error naming the tier. */
  public static StorageTier openTier(TierSpec spec) throws IOException {
    try {
      return StorageTierFactory.forType(spec.type()).create(spec);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new ConfigurationException("tier '" + spec.id() + "': " + e.getMessage(), e);
    }
  }
}
