package io.btfshybrid.demo;

import io.btfshybrid.api.StorageTier;
import io.btfshybrid.cli.Human;
import io.btfshybrid.core.CopyStatus;
import io.btfshybrid.core.ReleaseOperations;
import io.btfshybrid.core.RepairPolicy;
import io.btfshybrid.core.RepairReport;
import io.btfshybrid.core.ScrubFinding;
import io.btfshybrid.core.ScrubReport;
import io.btfshybrid.core.TrustRoot;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The demo's operations steps: a scrub names the damage done to the replica (every copy on every
 * tier checked without keys), a repair brings every object back to three verified copies in three
 * failure domains, and a second scrub comes back clean.
 */
final class ScrubRepairSteps {
  private final PrintWriter out;
  private final BiConsumer<Integer, String> step;

  ScrubRepairSteps(PrintWriter out, BiConsumer<Integer, String> step) {
    this.out = out;
    this.step = step;
  }

  /** Runs steps {@code first}, {@code first + 1} and {@code first + 2}; returns their figures. */
  Map<String, Object> run(int first, List<StorageTier> tiers, TrustRoot trust, URI release)
      throws IOException {
    Map<String, Object> report = new LinkedHashMap<>();
    try (ReleaseOperations ops = ReleaseOperations.builder().tiers(tiers).trust(trust).build()) {
      step.accept(first, "scrubbing every copy on every tier (no keys needed)");
      ScrubReport damaged = ops.scrub(release);
      Map<CopyStatus, Integer> counts = counts(damaged);
      out.printf(
          "      %d copies checked, %s verified: %s%n",
          damaged.findings().size(), Human.bytes(damaged.bytes()), counts);
      for (ScrubFinding f : damaged.problems()) {
        out.printf(
            "      %-9s %s at '%s'%s%n",
            f.status(),
            f.object(),
            f.tierId(),
            f.firstBadChunk().isPresent() ? " (chunk " + f.firstBadChunk().getAsInt() + ")" : "");
      }
      report.put("scrubCorrupt", counts.getOrDefault(CopyStatus.CORRUPT, 0));
      report.put("scrubMissing", counts.getOrDefault(CopyStatus.MISSING, 0));

      step.accept(first + 1, "repairing to 3 verified copies in distinct failure domains");
      RepairReport repair = ops.repair(release, RepairPolicy.copies(3));
      Map<RepairReport.Action, Integer> actions = new EnumMap<>(RepairReport.Action.class);
      repair.copiesMade().forEach(c -> actions.merge(c.action(), 1, Integer::sum));
      out.printf(
          "      %d copies made %s, %d objects short%n",
          repair.copiesMade().size(), actions, repair.shortfalls().size());
      report.put("repairCopiesMade", repair.copiesMade().size());
      report.put("repairShortfalls", repair.shortfalls().size());

      step.accept(first + 2, "scrubbing again");
      ScrubReport after = ops.scrub(release);
      out.printf(
          "      %s: %d copies, %s%n",
          after.clean() ? "clean" : "NOT clean", after.findings().size(), counts(after));
      report.put("scrubCleanAfterRepair", after.clean());
    }
    return report;
  }

  private static Map<CopyStatus, Integer> counts(ScrubReport r) {
    Map<CopyStatus, Integer> counts = new EnumMap<>(CopyStatus.class);
    r.findings().forEach(f -> counts.merge(f.status(), 1, Integer::sum));
    return counts;
  }
}
