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

/** The configuration file: region, tiers, cache, trust root, audit log and tier health state. */
record CliConfig(
    Optional<String> region,
    List<TierSpec> tiers,
    Optional<Path> cacheDir,
    long cacheMaxBytes,
    Optional<Path> trust,
    Optional<Path> audit,
    Optional<Path> healthState) {
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
    ConfigKeys.check(root, "", ConfigKeys.TOP);
    List<TierSpec> tiers = new ArrayList<>();
    int index = 0;
    for (JsonNode t : root.path("tiers")) {
      tiers.add(tier(t, base, file, index++));
    }
    JsonNode cache = root.path("cache");
    ConfigKeys.check(cache, "cache.", ConfigKeys.CACHE);
    return new CliConfig(
        text(root, "region"),
        tiers,
        text(cache, "dir").map(d -> resolve(base, d)),
        text(cache, "maxBytes").map(Human::parseSize).orElse(DEFAULT_CACHE_BYTES),
        text(root, "trust").map(p -> resolve(base, p)),
        text(root, "audit").map(p -> resolve(base, p)),
        text(root, "healthState").map(p -> resolve(base, p)));
  }

  private static TierSpec tier(JsonNode t, Path base, Path file, int index) {
    String id =
        text(t, "id").orElseThrow(() -> new ConfigException("a tier in '" + file + "' has no id"));
    String type =
        text(t, "type")
            .orElseThrow(
                () -> new ConfigException("tier '" + id + "' has no type (file, s3, btfs)"));
    ConfigKeys.checkTier(t, "tiers[" + index + "].", type);
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
      } catch (IllegalArgumentException
          | IllegalStateException
          | io.btfshybrid.s3.S3CredentialsException e) {
        // no S3 credentials anywhere is a configuration problem too
        throw new ConfigException("tier '" + spec.id() + "': " + e.getMessage(), e);
      }
    }
    return out;
  }

  /** A client over the opened tiers; an unusable cache directory is a warning, not an error. */
  DatasetClient.Builder client(
      List<StorageTier> opened, TrustRoot trustRoot, java.io.PrintWriter err) {
    DatasetClient.Builder b = DatasetClient.builder().tiers(opened).trust(trustRoot);
    region.ifPresent(b::region);
    healthState.ifPresent(b::healthStateDirectory);
    if (cacheDir.isPresent()) {
      Optional<String> problem = cacheProblem(cacheDir.get());
      if (problem.isEmpty()) {
        b.cacheDirectory(cacheDir.get()).cacheMaxBytes(cacheMaxBytes);
      } else {
        err.println(
            "btfs-hybrid: warning: cache directory "
                + cacheDir.get()
                + " is unusable ("
                + problem.get()
                + "); reading without a cache");
      }
    }
    return b;
  }

  private static Optional<String> cacheProblem(Path dir) {
    try {
      Files.createDirectories(dir);
      if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
        return Optional.of("not a writable directory");
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(ErrorText.message(e));
    }
  }
}
