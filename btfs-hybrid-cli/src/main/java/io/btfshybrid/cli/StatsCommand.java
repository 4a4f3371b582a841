package io.btfshybrid.cli;

import io.btfshybrid.core.ProviderScorecard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Prints the provider scorecard remembered in the tier health state directory. */
@Command(
    name = "stats",
    description =
        "Provider scorecard from the tier health state directory (configuration 'healthState'):"
            + " bytes, failure rate, integrity failures, p50/p95/p99 time to first byte,"
            + " throughput, and which tiers are demoted.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  btfs-hybrid --config btfs-hybrid.yaml stats",
      "  btfs-hybrid stats --state ~/.cache/btfs-hybrid/health --json"
    })
final class StatsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--state",
      paramLabel = "DIR",
      description = "the state directory (default: the configuration's 'healthState')")
  Path state;

  @Override
  public Integer call() {
    Path dir =
        state != null
            ? state
            : ConfiguredCommand.config(spec)
                .healthState()
                .orElseThrow(
                    () ->
                        new ConfigException(
                            "no tier health state: set 'healthState:' in the configuration or"
                                + " pass --state DIR"));
    if (!Files.isDirectory(dir)) {
      throw new ConfigException("tier health state directory '" + dir + "' does not exist");
    }
    ProviderScorecard card = ProviderScorecard.load(dir);
    card.warning()
        .ifPresent(w -> spec.commandLine().getErr().println("btfs-hybrid: warning: " + w));
    java.io.PrintWriter out = spec.commandLine().getOut();
    if (GlobalOptions.json(spec)) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("stateDirectory", dir.toString());
      doc.put("savedAt", card.savedAt().map(Object::toString).orElse(null));
      doc.put("tiers", card.tiers().stream().map(Scorecards::json).toList());
      Json.print(out, doc);
    } else if (card.tiers().isEmpty()) {
      out.println("no tier health recorded in " + dir);
    } else {
      out.println("tier health in " + dir + ", saved " + card.savedAt().orElseThrow());
      Scorecards.table(out, card.tiers());
    }
    return ExitCodes.OK;
  }
}
