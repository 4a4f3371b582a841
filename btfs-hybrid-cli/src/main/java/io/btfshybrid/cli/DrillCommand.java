package io.btfshybrid.cli;

import io.btfshybrid.core.Drill;
import io.btfshybrid.core.DrillReport;
import io.btfshybrid.core.ReleaseOperations;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Reads a release under normal, tier-down or churn conditions and reports each tier's latency. */
@Command(
    name = "drill",
    description =
        "Read MANIFEST's shards, verified, under normal conditions, with a tier down or with"
            + " tiers churning; report p50/p95/p99 time to first byte, throughput, failures and"
            + " fallbacks per tier, and wrong bytes (must be 0).",
    footerHeading = "%nExamples:%n",
    footer = {
      "  btfs-hybrid --config btfs-hybrid.yaml drill imagenet-mini@1.0.0 --tier-down mirror",
      "  btfs-hybrid drill imagenet-mini --churn --seed 7 --reads 500 --json",
      "",
      "Without --tier-down or --churn the normal drill runs. Exits 3 when wrong bytes were"
          + " returned or a read found no good copy, 4 when reads failed for lack of a source."
    })
final class DrillCommand extends OperationsCommand {
  @Parameters(
      index = "0",
      paramLabel = "MANIFEST",
      description = "DATASET@VERSION, DATASET, btfs-hybrid:// address or manifest file")
  String manifest;

  @Option(
      names = "--tier-down",
      paramLabel = "ID",
      description = "drill with this tier down (repeatable: one drill each)")
  List<String> tierDown = new ArrayList<>();

  @Option(names = "--churn", description = "drill with tiers failing and returning at random")
  boolean churn;

  @Option(names = "--seed", paramLabel = "N", description = "the churn drill's seed")
  long seed = 1;

  @Option(names = "--reads", paramLabel = "N", description = "reads per drill")
  int reads = 200;

  @Option(
      names = "--normal",
      description = "also run the normal drill (the baseline) before the others")
  boolean normal;

  @Override
  public Integer call() throws Exception {
    List<Drill> drills = new ArrayList<>();
    if (normal || (tierDown.isEmpty() && !churn)) {
      drills.add(Drill.normal());
    }
    tierDown.forEach(id -> drills.add(Drill.tierDown(id)));
    if (churn) {
      drills.add(Drill.churn(seed));
    }
    try (ReleaseOperations ops = operations()) {
      List<DrillReport> reports = ops.drill(manifestUri(manifest), drills, reads);
      if (json()) {
        Json.print(out(), Map.of("drills", reports.stream().map(Scorecards::json).toList()));
      } else {
        reports.forEach(r -> print(r));
      }
      return exitCode(reports);
    } finally {
      closeTiers();
    }
  }

  private void print(DrillReport r) {
    out()
        .printf(
            "drill %s: %d reads, %d failed, %d wrong bytes, %d fallbacks, %s in %.1f s (%s)%n",
            r.drill(),
            r.reads(),
            r.failedReads(),
            r.wrongBytes(),
            r.fallbacks(),
            Human.bytes(r.bytesRead()),
            r.elapsed().toNanos() / 1e9,
            Human.rate(r.bytesRead(), r.elapsed().toNanos()));
    Scorecards.table(out(), r.tiers());
    r.failures().forEach(f -> out().println("  failed " + Untrusted.escape(f)));
  }

  static int exitCode(List<DrillReport> reports) {
    if (reports.stream().anyMatch(r -> r.wrongBytes() > 0 || r.integrityFailedReads() > 0)) {
      return ExitCodes.INTEGRITY;
    }
    return reports.stream().allMatch(r -> r.failedReads() == 0)
        ? ExitCodes.OK
        : ExitCodes.UNAVAILABLE;
  }
}
