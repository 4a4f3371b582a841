package io.btfshybrid.core;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * One line of an {@link AuditLog}: its position, time, event and fields, the hash of the entry
 * before it and its own hash, and the exact JSON line as written (what a sink should ship).
 */
public record AuditEntry(
    long sequence,
    Instant time,
    AuditEvent event,
    Map<String, String> fields,
    String previousHash,
    String hash,
    String json) {
  /** Copies the fields into an immutable, sorted map. */
  public AuditEntry {
    fields = Map.copyOf(new TreeMap<>(fields));
  }
}
