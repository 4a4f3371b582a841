package io.btfshybrid.cli;

import io.btfshybrid.core.AuditLog;
import io.btfshybrid.core.ReleaseOperations;
import java.io.IOException;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * A sub-command that runs one of {@link ReleaseOperations}' operations over the configured tiers
 * (no keys needed), with a progress bar on a terminal; {@link #closeAll()} releases everything.
 */
abstract class OperationsCommand extends ConfiguredCommand {
  @Option(
      names = "--parallel",
      paramLabel = "N",
      defaultValue = "4",
      description = "copies checked or made at once (1..256)")
  int parallel;

  private ReleaseOperations ops;
  private AuditLog audit;
  private ProgressBar bar;

  /** The operations over every configured tier, with the configuration's trust and audit log. */
  ReleaseOperations operations() throws IOException {
    if (ops == null) {
      CliConfig c = config();
      bar = ProgressBar.forTerminal(spec.commandLine().getErr(), json());
      ReleaseOperations.Builder b =
          ReleaseOperations.builder()
              .tiers(tiers())
              .trust(KeyFiles.trustRoot(c, Optional.ofNullable(trust)))
              .parallelism(parallel)
              .progress(bar);
      if (c.audit().isPresent()) {
        audit = AuditLog.open(c.audit().get());
        b.auditLog(audit);
      }
      ops = b.build();
    }
    return ops;
  }

  /** Ends the progress line, so results start on a fresh one. */
  void progressDone() {
    if (bar != null) {
      bar.finish();
    }
  }

  /** Closes the operations, the audit log and the tiers. */
  void closeAll() {
    progressDone();
    if (ops != null) {
      ops.close();
    }
    if (audit != null) {
      try {
        audit.close();
      } catch (IOException ignored) {
        // closing on exit; every entry was already flushed
      }
    }
    closeTiers();
  }
}
