package io.btfshybrid.cli;

import io.btfshybrid.api.Durations;
import io.btfshybrid.core.GcReport;
import io.btfshybrid.core.ReleaseInfo;
import io.btfshybrid.core.ReleaseOperations;
import io.btfshybrid.core.RetentionPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Retires the versions outside the retention policy: a dry run unless {@code --apply}. */
@Command(
    name = "gc",
    description =
        "Retire versions outside the retention policy: their manifests and the blobs no kept"
            + " version references (deleted; unpinned on BTFS). A dry run unless --apply.",
    footerHeading = "%nExample:%n",
    footer = {
      "  btfs-hybrid --config btfs-hybrid.yaml gc --keep-latest 3 --keep-newer-than 30d \\",
      "      --hold imagenet-mini@1.0.0 --apply",
      "",
      "Every dataset keeps its latest N versions, those newer than the age, held ones and the"
          + " one its latest pointer names. Exits 4, removing nothing, when a tier could not be"
          + " listed; 1 when some copy could not be removed."
    })
final class GcCommand extends OperationsCommand {
  private static final Pattern RELEASE =
      Pattern.compile("([A-Za-z0-9][A-Za-z0-9._+-]*)@([A-Za-z0-9][A-Za-z0-9._+-]*)");

  @Option(
      names = "--keep-latest",
      required = true,
      paramLabel = "N",
      description = "keep each dataset's N most recently published versions (N >= 1)")
  int keepLatest;

  @Option(
      names = "--keep-newer-than",
      paramLabel = "AGE",
      description = "also keep every version published less than AGE ago, e.g. 30d, 12h")
  String keepNewerThan;

  @Option(
      names = "--hold",
      paramLabel = "DATASET@VERSION",
      description = "never retire this version (repeatable)")
  List<String> holds = new ArrayList<>();

  @Option(
      names = "--apply",
      description = "really remove (default: a dry run that changes nothing)")
  boolean apply;

  @Override
  public Integer call() throws Exception {
    List<RetentionPolicy> policies = policies();
    GcReport report;
    try (ReleaseOperations ops = operations()) {
      report = ops.collectGarbage(policies, !apply);
    } finally {
      closeTiers();
    }
    if (json()) {
      Map<String, Object> all = new LinkedHashMap<>();
      all.put("dryRun", report.dryRun());
      all.put("removed", report.removed().stream().map(LsCommand::asJson).toList());
      all.put("kept", report.kept().stream().map(LsCommand::asJson).toList());
      all.put("objects", report.objects().stream().map(Object::toString).toList());
      all.put("bytes", report.bytes());
      all.put("failures", report.failures());
      Json.print(out(), all);
    } else {
      print(report);
    }
    report
        .failures()
        .forEach(
            f ->
                spec.commandLine()
                    .getErr()
                    .println("btfs-hybrid: could not remove " + Untrusted.escape(f)));
    return report.failures().isEmpty() ? ExitCodes.OK : ExitCodes.FAILURE;
  }

  private List<RetentionPolicy> policies() {
    if (keepLatest < 1) {
      throw new IllegalArgumentException(
          "--keep-latest must be at least 1, got " + keepLatest + " (the latest is always kept)");
    }
    List<RetentionPolicy> policies = new ArrayList<>();
    policies.add(RetentionPolicy.keepLatest(keepLatest));
    if (keepNewerThan != null) {
      try {
        policies.add(RetentionPolicy.keepNewerThan(Durations.parse(keepNewerThan)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "--keep-newer-than '" + keepNewerThan + "' is not a positive age such as 30d", e);
      }
    }
    for (String hold : holds) {
      Matcher m = RELEASE.matcher(hold);
      if (!m.matches()) {
        throw new IllegalArgumentException(
            "--hold '" + hold + "' is not DATASET@VERSION (e.g. imagenet-mini@1.0.0)");
      }
      policies.add(RetentionPolicy.hold(m.group(1), m.group(2)));
    }
    return policies;
  }

  private void print(GcReport report) {
    for (ReleaseInfo r : report.removed()) {
      out()
          .printf(
              "%-7s %s  (created %s)%n",
              report.dryRun() ? "retire" : "retired", Untrusted.escape(r.release()), r.created());
    }
    for (ReleaseInfo r : report.kept()) {
      out()
          .printf(
              "%-7s %s%s%n", "keep", Untrusted.escape(r.release()), r.latest() ? "  latest" : "");
    }
    out()
        .printf(
            "%d versions %s, %d kept; %d objects (%s) %s%n",
            report.removed().size(),
            report.dryRun() ? "to retire" : "retired",
            report.kept().size(),
            report.objects().size(),
            Human.bytes(report.bytes()),
            report.dryRun() ? "would be removed" : "removed");
    if (report.dryRun()) {
      out().println("dry run: nothing was changed; pass --apply to retire");
    }
  }
}
