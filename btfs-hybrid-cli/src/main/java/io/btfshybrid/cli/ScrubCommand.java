package io.btfshybrid.cli;

import io.btfshybrid.core.CopyStatus;
import io.btfshybrid.core.ScrubFinding;
import io.btfshybrid.core.ScrubReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Checks every copy of every object of a release on every tier, without keys. */
@Command(
    name = "scrub",
    description =
        "Check every copy of MANIFEST's shards, index blobs, manifests and latest pointer on every"
            + " tier, chunk by chunk, without keys.",
    footerHeading = "%nExample:%n",
    footer = {
      "  btfs-hybrid --config btfs-hybrid.yaml scrub imagenet-mini@1.0.0 --checkpoint scrub.ckpt",
      "",
      "Exits 0 when every copy is intact (and pinned on BTFS), 3 when a copy is missing, corrupt"
          + " or unpinned, 4 when copies were only unreachable."
    })
final class ScrubCommand extends OperationsCommand {
  @Parameters(
      index = "0",
      paramLabel = "MANIFEST",
      description = "DATASET@VERSION, DATASET, btfs-hybrid:// address or manifest file")
  String manifest;

  @Option(
      names = "--checkpoint",
      paramLabel = "FILE",
      description = "record settled copies here and skip those an earlier run recorded")
  Path checkpoint;

  @Mixin ParallelOption parallel = new ParallelOption();

  @Override
  int parallelism() {
    return parallel.parallel;
  }

  @Override
  public Integer call() throws Exception {
    try {
      ScrubReport r =
          checkpoint == null
              ? operations().scrub(manifestUri(manifest))
              : operations().scrub(manifestUri(manifest), checkpoint);
      progressDone();
      if (json()) {
        Json.print(out(), json(r));
      } else {
        table(r);
      }
      if (r.damaged()) {
        return ExitCodes.INTEGRITY;
      }
      return r.unreachable() ? ExitCodes.UNAVAILABLE : ExitCodes.OK;
    } finally {
      closeAll();
    }
  }

  /** One cell of the table: the status, the first bad chunk, or that a BTFS copy is unpinned. */
  static String cell(ScrubFinding f) {
    if (f.status() == CopyStatus.CORRUPT) {
      return "CORRUPT@" + f.firstBadChunk().orElse(0);
    }
    if (f.status() == CopyStatus.OK && !f.durable()) {
      return "UNPINNED";
    }
    return f.status().name();
  }

  private void table(ScrubReport r) {
    List<String> tiers = new ArrayList<>();
    Map<String, Map<String, String>> rows = new LinkedHashMap<>();
    for (ScrubFinding f : r.findings()) {
      if (!tiers.contains(f.tierId())) {
        tiers.add(f.tierId());
      }
      rows.computeIfAbsent(f.object(), k -> new TreeMap<>()).put(f.tierId(), cell(f));
    }
    StringBuilder header = new StringBuilder(String.format("%-40s", "object"));
    tiers.forEach(t -> header.append(String.format(" %-12s", Untrusted.escape(t))));
    out().println(header.toString().stripTrailing());
    rows.forEach(
        (object, cells) -> {
          StringBuilder line = new StringBuilder(String.format("%-40s", Untrusted.escape(object)));
          tiers.forEach(t -> line.append(String.format(" %-12s", cells.getOrDefault(t, "-"))));
          out().println(line.toString().stripTrailing());
        });
    for (ScrubFinding f : r.problems()) {
      out()
          .printf(
              "%s %s on '%s': %s%n",
              cell(f),
              Untrusted.escape(f.object()),
              Untrusted.escape(f.tierId()),
              Untrusted.escape(f.detail()));
    }
    Map<String, Integer> counts = new TreeMap<>();
    r.findings().forEach(f -> counts.merge(cell(f).replaceAll("@.*", ""), 1, Integer::sum));
    out()
        .printf(
            "%s: %d objects x %d tiers, %s verified in %.1fs; %s%n",
            Untrusted.escape(r.release()),
            rows.size(),
            tiers.size(),
            Human.bytes(r.bytes()),
            r.duration().toMillis() / 1000.0,
            counts);
  }

  static Map<String, Object> json(ScrubReport r) {
    List<Map<String, Object>> findings = new ArrayList<>();
    for (ScrubFinding f : r.findings()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("object", f.object());
      m.put("tier", f.tierId());
      m.put("status", f.status().name());
      f.firstBadChunk().ifPresent(c -> m.put("firstBadChunk", c));
      f.pinned().ifPresent(p -> m.put("pinned", p));
      m.put("bytes", f.bytes());
      m.put("detail", f.detail());
      findings.add(m);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("release", r.release());
    out.put("clean", r.clean());
    out.put("damaged", r.damaged());
    out.put("unreachable", r.unreachable());
    out.put("goodCopies", r.goodCopies());
    out.put("bytes", r.bytes());
    out.put("durationMillis", r.duration().toMillis());
    out.put("findings", findings);
    return out;
  }
}
