package io.btfshybrid.core;

/**
 * The outcome of {@link AuditLog#verify}: whether the whole chain holds; if not, the zero-based
 * index of the first entry that was edited, removed, inserted or reordered ({@code -1} when the log
 * is intact); how many entries were read (up to and including the first bad one); and a one-line
 * explanation.
 */
public record AuditVerification(boolean ok, long firstBadEntry, long entries, String detail) {
  static AuditVerification good(long entries) {
    return new AuditVerification(true, -1, entries, "all " + entries + " entries chain correctly");
  }

  static AuditVerification bad(long index, long entries, String detail) {
    return new AuditVerification(false, index, entries, "entry " + index + ": " + detail);
  }
}
