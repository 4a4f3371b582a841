package io.btfshybrid.cli;

import io.btfshybrid.core.RepairPolicy;
import io.btfshybrid.core.RepairReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Brings every object of a release back to N verified copies in distinct failure domains. */
@Command(
    name = "repair",
    description =
        "Re-replicate MANIFEST's objects from verified copies to N copies in distinct failure"
            + " domains (kind or region), re-pinning on BTFS; never deletes.",
    footerHeading = "%nExample:%n",
    footer = {
      "  btfs-hybrid --config btfs-hybrid.yaml repair imagenet-mini@1.0.0 --copies 3 --dry-run",
      "",
      "Exits 0 when every object has N verified copies, 3 when an object has no verified copy"
          + " left, 4 when fewer than N could be made (too few domains, unreachable tiers)."
    })
final class RepairCommand extends OperationsCommand {
  @Parameters(
      index = "0",
      paramLabel = "MANIFEST",
      description = "DATASET@VERSION, DATASET, btfs-hybrid:// address or manifest file")
  String manifest;

  @Option(
      names = "--copies",
      paramLabel = "N",
      defaultValue = "3",
      description = "verified copies wanted, each in its own failure domain")
  int copies;

  @Option(names = "--dry-run", description = "check and plan only; write and pin nothing")
  boolean dryRun;

  @Mixin ParallelOption parallel = new ParallelOption();

  @Override
  int parallelism() {
    return parallel.parallel;
  }

  @Override
  public Integer call() throws Exception {
    RepairPolicy policy = RepairPolicy.copies(copies);
    if (dryRun) {
      policy = policy.dryRun();
    }
    try {
      RepairReport r = operations().repair(manifestUri(manifest), policy);
      progressDone();
      if (json()) {
        Json.print(out(), json(r));
      } else {
        for (RepairReport.Copy c : r.copiesMade()) {
          out()
              .printf(
                  "%s %s: %s -> %s (%s)%n",
                  verb(c.action(), r.dryRun()),
                  Untrusted.escape(c.object()),
                  Untrusted.escape(c.fromTierId()),
                  Untrusted.escape(c.toTierId()),
                  Human.bytes(c.bytes()));
        }
        for (RepairReport.Shortfall s : r.shortfalls()) {
          out()
              .printf(
                  "short %s: %d of %d copies: %s%n",
                  Untrusted.escape(s.object()),
                  s.copies(),
                  s.wanted(),
                  Untrusted.escape(s.reason()));
        }
        out()
            .printf(
                "%s: %s%d copies made, %d objects short of %d%n",
                Untrusted.escape(r.release()),
                r.dryRun() ? "dry run, " : "",
                r.copiesMade().size(),
                r.shortfalls().size(),
                copies);
      }
      if (r.shortfalls().stream().anyMatch(s -> s.copies() == 0)) {
        return ExitCodes.INTEGRITY;
      }
      return r.shortfalls().isEmpty() ? ExitCodes.OK : ExitCodes.UNAVAILABLE;
    } finally {
      closeAll();
    }
  }

  /** {@code copied}, {@code replaced}, {@code re-pinned}; in a dry run {@code would copy}… */
  static String verb(RepairReport.Action action, boolean dryRun) {
    return switch (action) {
      case COPIED -> dryRun ? "would copy" : "copied";
      case REPLACED -> dryRun ? "would replace" : "replaced";
      case REPINNED -> dryRun ? "would re-pin" : "re-pinned";
    };
  }

  private static Map<String, Object> json(RepairReport r) {
    List<Map<String, Object>> made = new ArrayList<>();
    for (RepairReport.Copy c : r.copiesMade()) {
      made.add(
          Map.of(
              "object", c.object(),
              "from", c.fromTierId(),
              "to", c.toTierId(),
              "action", c.action().name(),
              "bytes", c.bytes()));
    }
    List<Map<String, Object>> shortfalls = new ArrayList<>();
    for (RepairReport.Shortfall s : r.shortfalls()) {
      shortfalls.add(
          Map.of(
              "object", s.object(),
              "copies", s.copies(),
              "wanted", s.wanted(),
              "reason", s.reason()));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("release", r.release());
    out.put("copies", r.policy().copies());
    out.put("dryRun", r.dryRun());
    out.put("copiesMade", made);
    out.put("shortfalls", shortfalls);
    return out;
  }
}
