package io.btfshybrid.cli;

import io.btfshybrid.core.AuditLog;
import io.btfshybrid.core.ReleaseOperations;
import java.io.IOException;
import java.util.Optional;

/** A sub-command that runs {@link ReleaseOperations} over the configuration's tiers, keyless. */
abstract class OperationsCommand extends ConfiguredCommand {
  /** Operations over the configured tiers with the trust root (and audit log, if configured). */
  ReleaseOperations operations() throws IOException {
    CliConfig c = config();
    ReleaseOperations.Builder b =
        ReleaseOperations.builder()
            .tiers(tiers())
            .trust(KeyFiles.trustRoot(c, Optional.ofNullable(trust)));
    if (c.audit().isPresent()) {
      b.auditLog(AuditLog.open(c.audit().get()));
    }
    return b.build();
  }
}
