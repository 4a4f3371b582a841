package io.btfshybrid.core;

import io.btfshybrid.api.DatasetManifest;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Records publications and key rotations in the publisher's audit log, when it has one. */
final class PublishAudit {
  private final AuditLog log;
  private final String signerIds;

  PublishAudit(AuditLog log, List<ManifestSigner> signers) {
    this.log = log;
    this.signerIds = signers.stream().map(ManifestSigner::keyId).collect(Collectors.joining(","));
  }

  void record(AuditEvent event, DatasetManifest m, Map<String, String> extra) throws IOException {
    if (log == null) {
      return;
    }
    Map<String, String> fields = new TreeMap<>(extra);
    fields.put("dataset", m.datasetId());
    fields.put("version", m.version());
    fields.put("revision", Integer.toString(m.revision()));
    fields.put("signers", signerIds);
    log.append(event, fields);
  }
}
