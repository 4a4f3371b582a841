package io.btfshybrid.core;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link ReleaseOperations#scrub} found: one {@link ScrubFinding} per object and tier, in
 * object order, with the bytes verified and the time taken.
 */
public final class ScrubReport {
  private final String release;
  private final List<ScrubFinding> findings;
  private final Duration duration;

  ScrubReport(String release, List<ScrubFinding> findings, Duration duration) {
    this.release = Objects.requireNonNull(release, "release");
    this.findings = List.copyOf(findings);
    this.duration = Objects.requireNonNull(duration, "duration");
  }

  /** {@code dataset@version} of the release scrubbed. */
  public String release() {
    return release;
  }

  /** Every copy checked, object by object, each object's tiers in the operations' order. */
  public List<ScrubFinding> findings() {
    return findings;
  }

  /** True only when every copy is OK and pinned where its tier pins; UNREACHABLE is not clean. */
  public boolean clean() {
    return findings.stream().allMatch(ScrubFinding::durable);
  }

  /** Whether some copy is missing, corrupt or unpinned (the CLI's exit 3). */
  public boolean damaged() {
    return findings.stream().anyMatch(ScrubFinding::damaged);
  }

  /** Whether some tier could not be asked (the CLI's exit 4 when nothing is damaged). */
  public boolean unreachable() {
    return findings.stream().anyMatch(f -> f.status() == CopyStatus.UNREACHABLE);
  }

  /** The copies that are not durable and OK. */
  public List<ScrubFinding> problems() {
    return findings.stream().filter(f -> !f.durable()).toList();
  }

  /** Durable good copies per object, in object order. */
  public Map<String, Integer> goodCopies() {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (ScrubFinding f : findings) {
      out.merge(f.object(), f.durable() ? 1 : 0, Integer::sum);
    }
    return out;
  }

  /** Stored bytes read and verified. */
  public long bytes() {
    return findings.stream().mapToLong(ScrubFinding::bytes).sum();
  }

  /** Wall time of the scrub. */
  public Duration duration() {
    return duration;
  }

  @Override
  public String toString() {
    return "ScrubReport["
        + release
        + ", "
        + findings.size()
        + " copies, "
        + problems().size()
        + " not OK]";
  }
}
