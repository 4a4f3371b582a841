package io.btfshybrid.core;

import io.btfshybrid.api.DatasetManifest;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/** What a client records in its optional audit log: who, which release, and the event's fields. */
final class ClientAudit {
  private final Principal principal;
  private final AuditLog log;

  ClientAudit(Principal principal, AuditLog log) {
    this.principal = principal;
    this.log = log;
  }

  boolean enabled() {
    return log != null;
  }

  AuditLog log() {
    return log;
  }

  /** The fields every entry about {@code manifest} carries (principal, dataset, version…). */
  Map<String, String> fields(DatasetManifest manifest) {
    Map<String, String> f = new TreeMap<>();
    f.put("principal", principal == null ? "" : principal.name());
    if (manifest != null) {
      f.put("dataset", manifest.datasetId());
      f.put("version", manifest.version());
      f.put("revision", Integer.toString(manifest.revision()));
    }
    return f;
  }

  /** Appends {@code event} when a log is configured; a failed append fails the caller. */
  void record(AuditEvent event, DatasetManifest manifest, Map<String, String> extra)
      throws IOException {
    if (log != null) {
      Map<String, String> f = fields(manifest);
      f.putAll(extra);
      log.append(event, f);
    }
  }
}
