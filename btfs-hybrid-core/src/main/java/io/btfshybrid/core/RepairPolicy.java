package io.btfshybrid.core;

import com.google.common.base.Preconditions;

/**
 * How many verified copies {@link ReleaseOperations#repair} brings each object to, each in its own
 * failure domain (tiers differing in kind or region), and whether it only reports what it would do.
 */
public final class RepairPolicy {
  private final int copies;
  private final boolean dryRun;

  private RepairPolicy(int copies, boolean dryRun) {
    this.copies = copies;
    this.dryRun = dryRun;
  }

  /** {@code n} verified copies in distinct failure domains (1..64). */
  public static RepairPolicy copies(int n) {
    Preconditions.checkArgument(n >= 1 && n <= 64, "copies must be 1..64, got %s", n);
    return new RepairPolicy(n, false);
  }

  /** This policy as a dry run: everything is checked and planned, nothing written or pinned. */
  public RepairPolicy dryRun() {
    return new RepairPolicy(copies, true);
  }

  /** The number of verified copies wanted. */
  public int copies() {
    return copies;
  }

  /** Whether nothing is written. */
  public boolean isDryRun() {
    return dryRun;
  }

  @Override
  public String toString() {
    return "RepairPolicy[copies=" + copies + (dryRun ? ", dry run]" : "]");
  }
}
