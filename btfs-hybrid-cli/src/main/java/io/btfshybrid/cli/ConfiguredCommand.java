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
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** A sub-command that works on the tiers of the configuration file. */
abstract class ConfiguredCommand implements Callable<Integer> {
  @ParentCommand Main main;
  @Spec CommandSpec spec;

  @Option(names = "--trust", description = "trust root file (overrides the configuration's)")
  Path trust;

  @Mixin ReaderOptions reader = new ReaderOptions();

  private List<StorageTier> tiers;

  CliConfig config() {
    if (main.config == null) {
      Path local = Path.of("btfs-hybrid.yaml");
      if (Files.isRegularFile(local)) {
        return CliConfig.load(local);
      }
      throw new ConfigException(
          "no configuration: pass --config FILE (or create ./btfs-hybrid.yaml)");
    }
    return CliConfig.load(main.config);
  }

  List<StorageTier> tiers() throws IOException {
    if (tiers == null) {
      tiers = config().openTiers();
    }
    return tiers;
  }

  DatasetClient client() throws IOException {
    CliConfig c = config();
    TrustRoot root = c.trustRoot(Optional.ofNullable(trust));
    DatasetClient.Builder b = c.client(tiers(), root);
    reader.apply(b);
    if (c.audit().isPresent()) {
      b.auditLog(AuditLog.open(c.audit().get()));
    }
    return b.build();
  }

  /** Accepts a release address, a tier URI or a path to a local manifest file. */
  static URI manifestUri(String text) {
    if (text.contains("://") || text.startsWith("file:")) {
      try {
        return URI.create(text);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("'" + text + "' is not a valid manifest URI: " + e.getMessage());
      }
    }
    Path p = Path.of(text);
    if (!Files.isRegularFile(p)) {
      throw new ConfigException("manifest '" + text + "' is neither a URI nor an existing file");
    }
    return p.toAbsolutePath().toUri();
  }

  java.io.PrintWriter out() {
    return spec.commandLine().getOut();
  }

  boolean json() {
    return main.json;
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
