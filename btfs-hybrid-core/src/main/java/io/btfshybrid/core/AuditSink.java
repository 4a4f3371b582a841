package io.btfshybrid.core;

import java.io.IOException;

/**
 * Receives every entry an {@link AuditLog} appended, after it is on local disk: ship it to a SIEM,
 * a log pipeline or a write-once store. A failing sink is logged and does not stop the local log;
 * sinks are called under the log's append lock, in order, so keep them quick.
 */
@FunctionalInterface
public interface AuditSink {
  void accept(AuditEntry entry) throws IOException;
}
