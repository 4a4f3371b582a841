package io.btfshybrid.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.btfshybrid.core.config.ConfigurationException;
import java.util.List;
import java.util.Map;

/**
 * The keys a configuration file may use, as {@link io.btfshybrid.core.config.ConfigKeys} checks
 * them for every reader of the file; refusals surface here as {@link ConfigException} (exit 2).
 */
final class ConfigKeys {
  static final List<String> TOP = io.btfshybrid.core.config.ConfigKeys.TOP;
  static final List<String> CACHE = io.btfshybrid.core.config.ConfigKeys.CACHE;
  static final List<String> TIER = io.btfshybrid.core.config.ConfigKeys.TIER;

  private ConfigKeys() {}

  static Map<String, List<String>> tierSettings() {
    return io.btfshybrid.core.config.ConfigKeys.tierSettings();
  }

  /** Checks a tier entry's keys for the built-in types. */
  static void checkTier(JsonNode tier, String where, String type) {
    try {
      io.btfshybrid.core.config.ConfigKeys.checkTier(tier, where, type);
    } catch (ConfigurationException e) {
      throw new ConfigException(e.getMessage(), e);
    }
  }

  /** The allowed key within edit distance 2 (or a case-only difference), if any. */
  static String nearest(String key, List<String> allowed) {
    return io.btfshybrid.core.config.ConfigKeys.nearest(key, allowed);
  }
}
