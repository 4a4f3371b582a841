package io.btfshybrid.cli;

import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.TierSpec;
import io.btfshybrid.core.DatasetClient;
import io.btfshybrid.core.TrustRoot;
import io.btfshybrid.core.config.ClientConfig;
import io.btfshybrid.core.config.ConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The configuration file: region, tiers, cache, trust root, audit log and tier health state. */
record CliConfig(
    Optional<String> region,
    List<TierSpec> tiers,
    Optional<Path> cacheDir,
    long cacheMaxBytes,
    Optional<Path> trust,
    Optional<Path> audit,
    Optional<Path> healthState) {
  static final long DEFAULT_CACHE_BYTES = ClientConfig.DEFAULT_CACHE_BYTES;

  /** Reads {@code file} with the parser every reader of the file shares. */
  static CliConfig load(Path file) {
    ClientConfig c;
    try {
      c = ClientConfig.load(file);
    } catch (ConfigurationException e) {
      throw new ConfigException(e.getMessage(), e);
    }
    return new CliConfig(
        c.region(),
        c.tiers(),
        c.cacheDir(),
        c.cacheMaxBytes(),
        c.trust(),
        c.audit(),
        c.healthState());
  }

  /** Builds every configured tier through its ServiceLoader factory. */
  List<StorageTier> openTiers() throws IOException {
    if (tiers.isEmpty()) {
      throw new ConfigException("the configuration lists no tiers");
    }
    List<StorageTier> out = new ArrayList<>();
    for (TierSpec spec : tiers) {
      try {
        out.add(ClientConfig.openTier(spec));
      } catch (ConfigurationException e) {
        throw new ConfigException(e.getMessage(), e);
      } catch (io.btfshybrid.s3.S3CredentialsException e) {
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
