package io.btfshybrid.core;

/** What a scrub found for one copy of one object on one tier. */
public enum CopyStatus {
  /** Every byte matched the manifest's hashes. */
  OK,
  /** The tier answered and does not hold the object. */
  MISSING,
  /** The tier served bytes that do not match (wrong, short or long); see the first bad chunk. */
  CORRUPT,
  /** The tier could not be asked (down, refusing, stalled): nothing is known about the copy. */
  UNREACHABLE
}
