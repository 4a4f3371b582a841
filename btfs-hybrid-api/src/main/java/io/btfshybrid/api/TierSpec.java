package io.btfshybrid.api;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A tier described as data (from a configuration file): id, type ({@code file}, {@code s3}, {@code
 * btfs}), kind, optional region and type-specific settings such as {@code root}, {@code endpoint},
 * {@code bucket} or {@code api}.
 */
public record TierSpec(
    String id, String type, TierKind kind, Optional<String> region, Map<String, String> settings) {
  /** What {@link #toString} prints in place of a secret setting's value. */
  public static final String REDACTED = "<redacted>";

  /** Validates the parts and keeps the settings sorted by name. */
  public TierSpec {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(region, "region");
    settings = Map.copyOf(new TreeMap<>(settings));
  }

  /** The setting {@code name}, or an error naming the tier and the missing setting. */
  public String require(String name) {
    String value = settings.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(
          "tier '" + id + "' (type " + type + ") needs the setting '" + name + "'");
    }
    return value;
  }

  /** The setting {@code name}, or {@code fallback} when it is absent. */
  public String get(String name, String fallback) {
    return settings.getOrDefault(name, fallback);
  }

  /**
   * Whether a setting holds a secret (its name contains {@code secret}, {@code token}, {@code
   * password}, {@code credential} or {@code privatekey}, in any case): never printed.
   */
  public static boolean isSecret(String settingName) {
    String n = settingName.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
    return n.contains("secret")
        || n.contains("token")
        || n.contains("password")
        || n.contains("passwd")
        || n.contains("credential")
        || n.contains("privatekey");
  }

  /**
   * The spec with the values of secret settings ({@link #isSecret}) replaced by {@link #REDACTED}.
   */
  @Override
  public String toString() {
    Map<String, String> shown = new TreeMap<>();
    settings.forEach((k, v) -> shown.put(k, isSecret(k) ? REDACTED : v));
    return "TierSpec[id="
        + id
        + ", type="
        + type
        + ", kind="
        + kind
        + ", region="
        + region
        + ", settings="
        + shown
        + "]";
  }
}
