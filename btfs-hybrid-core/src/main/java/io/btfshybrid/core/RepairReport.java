package io.btfshybrid.core;

import java.util.List;
import java.util.Objects;

/**
 * What {@link ReleaseOperations#repair} did (or, in a dry run, would do): the copies made, and the
 * objects left short of the policy with the reason.
 */
public final class RepairReport {
  private final String release;
  private final RepairPolicy policy;
  private final List<Copy> copiesMade;
  private final List<Shortfall> shortfalls;

  RepairReport(
      String release, RepairPolicy policy, List<Copy> copiesMade, List<Shortfall> shortfalls) {
    this.release = Objects.requireNonNull(release, "release");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.copiesMade = List.copyOf(copiesMade);
    this.shortfalls = List.copyOf(shortfalls);
  }

  /** How a copy was made good. */
  public enum Action {
    /** Written where the tier held nothing. */
    COPIED,
    /** Written over bytes that did not verify, at the same content key. */
    REPLACED,
    /** An intact but unpinned BTFS copy pinned again. */
    REPINNED
  }

  /**
   * One copy made (or planned, in a dry run).
   *
   * @param object which object of the release
   * @param fromTierId the tier whose verified copy was read (the target itself when re-pinned)
   * @param toTierId the tier written or pinned
   * @param action what was done
   * @param bytes bytes written (0 for a re-pin)
   */
  public record Copy(String object, String fromTierId, String toTierId, Action action, long bytes) {
    /** Validates the parts. */
    public Copy {
      Objects.requireNonNull(object, "object");
      Objects.requireNonNull(fromTierId, "fromTierId");
      Objects.requireNonNull(toTierId, "toTierId");
      Objects.requireNonNull(action, "action");
    }
  }

  /**
   * An object left with fewer verified copies in distinct domains than the policy wants.
   *
   * @param object which object of the release
   * @param copies verified copies in distinct domains after the repair
   * @param wanted what the policy asked for
   * @param reason why no more could be made
   */
  public record Shortfall(String object, int copies, int wanted, String reason) {
    /** Validates the parts. */
    public Shortfall {
      Objects.requireNonNull(object, "object");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** {@code dataset@version} of the release repaired. */
  public String release() {
    return release;
  }

  /** The policy applied. */
  public RepairPolicy policy() {
    return policy;
  }

  /** Whether nothing was written (the policy was a dry run). */
  public boolean dryRun() {
    return policy.isDryRun();
  }

  /** The copies made, or planned in a dry run. */
  public List<Copy> copiesMade() {
    return copiesMade;
  }

  /** The objects still short of the policy. */
  public List<Shortfall> shortfalls() {
    return shortfalls;
  }

  @Override
  public String toString() {
    return "RepairReport["
        + release
        + ", "
        + policy
        + ", "
        + copiesMade.size()
        + " copies made, "
        + shortfalls.size()
        + " shortfalls]";
  }
}
