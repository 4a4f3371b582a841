package io.btfshybrid.core;

import io.btfshybrid.api.IntegrityException;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passes verified-read events to the health tracker and records each source failure of one shard in
 * the audit log: wrong bytes as {@code integrity_failure}, other failures as {@code fallback} (the
 * read moved on to the next source). A failing audit append is logged; it cannot interrupt a read
 * already under way.
 */
final class AuditedReads implements VerifiedReadListener {
  private static final Logger LOG = LoggerFactory.getLogger(AuditedReads.class);

  private final VerifiedReadListener delegate;
  private final AuditLog audit;
  private final Map<String, String> release;
  private final String shard;

  AuditedReads(
      VerifiedReadListener delegate, AuditLog audit, Map<String, String> release, String shard) {
    this.delegate = delegate;
    this.audit = audit;
    this.release = Map.copyOf(release);
    this.shard = shard;
  }

  @Override
  public void served(String sourceId, int bytes, long nanos) {
    delegate.served(sourceId, bytes, nanos);
  }

  @Override
  public void firstByte(String sourceId, long nanos) {
    delegate.firstByte(sourceId, nanos);
  }

  @Override
  public void lostRace(String sourceId, long nanos) {
    delegate.lostRace(sourceId, nanos);
  }

  @Override
  public void failed(String sourceId, Throwable cause, boolean integrity) {
    delegate.failed(sourceId, cause, integrity);
    Map<String, String> fields = new TreeMap<>(release);
    fields.put("shard", shard);
    fields.put("tier", sourceId);
    fields.put("detail", String.valueOf(cause.getMessage()));
    if (cause instanceof IntegrityException ie) {
      fields.put("offset", Long.toString(ie.offset()));
    }
    try {
      audit.append(integrity ? AuditEvent.INTEGRITY_FAILURE : AuditEvent.FALLBACK, fields);
    } catch (IOException | RuntimeException e) {
      LOG.error(
          "cannot record a {} of shard '{}' from {} in {}: {}",
          integrity ? "integrity failure" : "fallback",
          shard,
          sourceId,
          audit,
          e.toString());
    }
  }
}
