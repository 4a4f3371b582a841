package io.btfshybrid.spark;

import io.btfshybrid.core.config.Sizes;
import java.io.Serializable;
import java.util.Map;

/**
 * How an executor builds its client: the configuration (a path readable on every executor, or its
 * content), the trust root path, and overrides of cache directory, cache bound and region. Every
 * field may be null (not given). Equal specs share one client per JVM.
 */
record ClientSpec(
    String configPath,
    String configYaml,
    String trustPath,
    String cacheDir,
    Long cacheMaxBytes,
    String region)
    implements Serializable {
  /** Reads the client options out of lower-cased {@code options}. */
  static ClientSpec of(Map<String, String> options) {
    String config = options.get("config");
    String yaml = options.get("configyaml");
    if (config == null && yaml == null) {
      throw new IllegalArgumentException(
          "format 'btfs-hybrid' needs option 'config' (a YAML path on every executor) or"
              + " 'configYaml' (its content)");
    }
    if (config != null && yaml != null) {
      throw new IllegalArgumentException(
          "options 'config' = '" + config + "' and 'configYaml' exclude each other; give one");
    }
    String bound = options.get("cachemaxbytes");
    return new ClientSpec(
        config,
        yaml,
        options.get("trust"),
        options.get("cachedir"),
        bound == null ? null : Sizes.parse(bound),
        options.get("region"));
  }
}
