package io.btfshybrid.cli;

import io.btfshybrid.api.StorageTier;
import io.btfshybrid.core.AuditLog;
import io.btfshybrid.core.DatasetClient;
import io.btfshybrid.core.TrustRoot;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** A sub-command that works on the tiers of the configuration file. */
abstract class ConfiguredCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--trust",
      paramLabel = "TRUST.json",
      description = "trust root file (default: the configuration's 'trust')")
  Path trust;

  @Mixin ReaderOptions reader = new ReaderOptions();

  private List<StorageTier> tiers;

  CliConfig config() {
    return config(spec);
  }

  /** The configuration file of {@code --config}, or ./btfs-hybrid.yaml. */
  static CliConfig config(CommandSpec spec) {
    Path configFile = GlobalOptions.config(spec);
    if (configFile == null) {
      Path local = Path.of("btfs-hybrid.yaml");
      if (Files.isRegularFile(local)) {
        return CliConfig.load(local);
      }
      throw new ConfigException(
          "no configuration: pass --config FILE (or create ./btfs-hybrid.yaml)");
    }
    return CliConfig.load(configFile);
  }

  List<StorageTier> tiers() throws IOException {
    if (tiers == null) {
      tiers = config().openTiers();
    }
    return tiers;
  }

  DatasetClient client() throws IOException {
    CliConfig c = config();
    TrustRoot root = KeyFiles.trustRoot(c, Optional.ofNullable(trust));
    DatasetClient.Builder b = c.client(tiers(), root, spec.commandLine().getErr());
    reader.apply(b);
    if (c.audit().isPresent()) {
      b.auditLog(AuditLog.open(c.audit().get()));
    }
    return b.build();
  }

  /** Accepts DATASET@VERSION, DATASET, a release address, a tier URI or a manifest file. */
  static URI manifestUri(String text) {
    return ManifestNames.parse(text);
  }

  java.io.PrintWriter out() {
    return spec.commandLine().getOut();
  }

  boolean json() {
    return GlobalOptions.json(spec);
  }

  void closeTiers() {
    if (tiers != null) {
      for (StorageTier t : tiers) {
        try {
          t.close();
        } catch (IOException ignored) {
          // closing on exit
        }
      }
    }
  }
}
