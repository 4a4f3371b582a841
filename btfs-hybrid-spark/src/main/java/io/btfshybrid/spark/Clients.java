package io.btfshybrid.spark;

import io.btfshybrid.core.DatasetClient;
import io.btfshybrid.core.TrustRoot;
import io.btfshybrid.core.config.ClientConfig;
import io.btfshybrid.core.config.ConfigurationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One client per JVM and {@link ClientSpec}, built on first use from the spec alone (so a driver
 * and each executor build their own, with their own tiers, health scores and disk cache) and shared
 * by every task of that JVM. Clients live as long as the JVM, like Spark's own file systems.
 */
final class Clients {
  private static final Map<ClientSpec, DatasetClient> CLIENTS = new ConcurrentHashMap<>();

  private Clients() {}

  /** The client of {@code spec}, built on first use. */
  static DatasetClient get(ClientSpec spec) throws IOException {
    try {
      return CLIENTS.computeIfAbsent(
          spec,
          s -> {
            try {
              return build(s);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private static DatasetClient build(ClientSpec spec) throws IOException {
    ClientConfig config =
        spec.configYaml() != null
            ? ClientConfig.parse(spec.configYaml(), Path.of(""), "option 'configYaml'")
            : ClientConfig.load(Path.of(spec.configPath()));
    Path trust =
        spec.trustPath() != null
            ? Path.of(spec.trustPath())
            : config
                .trust()
                .orElseThrow(
                    () ->
                        new ConfigurationException(
                            "no trust root: set option 'trust' or 'trust:' in the configuration"));
    DatasetClient.Builder b =
        DatasetClient.builder().tiers(config.openTiers()).trust(TrustRoot.load(trust));
    String region = spec.region() != null ? spec.region() : config.region().orElse(null);
    if (region != null) {
      b.region(region);
    }
    Path cache =
        spec.cacheDir() != null ? Path.of(spec.cacheDir()) : config.cacheDir().orElse(null);
    if (cache != null) {
      b.cacheDirectory(cache)
          .cacheMaxBytes(
              spec.cacheMaxBytes() != null ? spec.cacheMaxBytes() : config.cacheMaxBytes());
    }
    return b.build();
  }
}
