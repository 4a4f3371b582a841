package io.btfshybrid.cli;

import io.btfshybrid.core.AuditLog;
import io.btfshybrid.core.ReleaseOperations;
import java.io.IOException;
import java.util.Optional;

/**
 * A sub-command that runs {@link ReleaseOperations} over the configuration's tiers, keyless, with a
 * progress bar on a terminal; {@link #closeAll()} releases the operations, audit log and tiers.
 */
abstract class OperationsCommand extends ConfiguredCommand {
  private ReleaseOperations ops;
  private AuditLog audit;
  private ProgressBar bar;

  /** How many copies are checked or made at once; commands with {@code --parallel} override. */
  int parallelism() {
    return 4;
  }

  /**
   * Operations over the configured tiers with the trust root (and audit log, if configured); the
   * same instance for every call of one command.
   */
  ReleaseOperations operations() throws IOException {
    if (ops == null) {
      CliConfig c = config();
      bar = ProgressBar.forTerminal(spec.commandLine().getErr(), json());
      ReleaseOperations.Builder b =
          ReleaseOperations.builder()
              .tiers(tiers())
              .trust(KeyFiles.trustRoot(c, Optional.ofNullable(trust)))
              .parallelism(parallelism())
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
