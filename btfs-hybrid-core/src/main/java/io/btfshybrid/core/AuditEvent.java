package io.btfshybrid.core;

import java.util.Locale;

/** What an {@link AuditLog} entry records. */
public enum AuditEvent {
  /** A release (manifest and latest pointer) was published. */
  PUBLISH,
  /** A client opened a release. */
  OPEN,
  /** A release's data key was asked for: {@code outcome} is {@code released} or {@code refused}. */
  KEY_RELEASE,
  /** A release's data key was re-wrapped under another KEK (a new manifest revision). */
  KEY_ROTATION,
  /** The access policy refused a principal. */
  ACCESS_DENIED,
  /** A manifest, latest pointer or trust root was refused (signature, expiry, rollback...). */
  MANIFEST_REJECTED,
  /** A source served bytes that did not match their hash; the read moved to the next source. */
  INTEGRITY_FAILURE,
  /** A source failed (error, short or long body); the read moved to the next source. */
  FALLBACK,
  /** A copy was re-replicated or repaired from a verified source. */
  REPAIR,
  /** A release outside its retention policy was retired: its manifests and unshared blobs. */
  RETIRE,
  /** The log removed a torn tail left by a crash mid-append: its offset, length and SHA-256. */
  LOG_REPAIRED;

  /** The name written to the log, e.g. {@code key_release}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  static AuditEvent fromWire(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
