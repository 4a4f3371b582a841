package io.btfshybrid.core;

import io.btfshybrid.api.DatasetManifest;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a client records in its optional audit log: who, which release, and the event's fields;
 * refusals are also counted in the client's meters.
 */
final class ClientAudit {
  private final Principal principal;
  private final AuditLog log;
  private final Meters meters;

  ClientAudit(Principal principal, AuditLog log) {
    this(principal, log, Meters.NONE);
  }

  ClientAudit(Principal principal, AuditLog log, Meters meters) {
    this.principal = principal;
    this.log = log;
    this.meters = meters;
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
    count(event, extra);
    if (log != null) {
      Map<String, String> f = fields(manifest);
      f.putAll(extra);
      log.append(event, f);
    }
  }

  private void count(AuditEvent event, Map<String, String> extra) {
    if (event == AuditEvent.ACCESS_DENIED) {
      meters.authorizationFailure("policy");
    } else if (event == AuditEvent.KEY_RELEASE && "refused".equals(extra.get("outcome"))) {
      meters.authorizationFailure("key");
    } else if (event == AuditEvent.MANIFEST_REJECTED) {
      meters.manifestRejected(extra.getOrDefault("reason", "unknown"));
    }
  }
}
