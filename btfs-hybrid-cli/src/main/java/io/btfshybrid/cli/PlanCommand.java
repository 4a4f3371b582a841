package io.btfshybrid.cli;

import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.core.Dataset;
import io.btfshybrid.core.DatasetClient;
import io.btfshybrid.core.PlannedSource;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Shows which tier each shard would be read from first, and how many bytes that is per tier. Every
 * candidate copy is asked for its size ({@code stat}, no bytes read), so a deleted or truncated
 * copy is not counted as a source; {@code scrub} checks the bytes themselves.
 */
@Command(
    name = "plan",
    description = "Bytes per first-choice tier for MANIFEST, and shards with no source.",
    footerHeading = "%nExample:%n",
    footer = {
      "  btfs-hybrid --config btfs-hybrid.yaml plan imagenet-mini@1.0.0",
      "",
      "Exits 4 when some shard has no source in the configured tiers."
    })
final class PlanCommand extends ConfiguredCommand {
  @Parameters(
      index = "0",
      paramLabel = "MANIFEST",
      description = "DATASET@VERSION, DATASET, btfs-hybrid:// address or manifest file")
  String manifest;

  /** Whether the tier says it holds an object of the stored size there (unreachable: no). */
  private static boolean present(PlannedSource p, long storedSize) {
    try {
      return p.tier().stat(p.locator()).map(i -> i.size() == storedSize).orElse(false);
    } catch (java.io.IOException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public Integer call() throws Exception {
    try (DatasetClient client = client();
        Dataset ds = client.open(manifestUri(manifest))) {
      Map<String, Long> bytesByTier = new TreeMap<>();
      int unplanned = 0;
      for (ShardEntry s : ds.shards()) {
        List<PlannedSource> plan =
            ds.plan(s.path()).stream().filter(p -> present(p, s.storedSize())).toList();
        if (plan.isEmpty()) {
          unplanned++;
        } else {
          bytesByTier.merge(plan.get(0).tierId(), s.storedSize(), Long::sum);
        }
      }
      if (json()) {
        Json.print(
            out(),
            Map.of(
                "bytesByFirstTier",
                bytesByTier,
                "shardsWithoutSource",
                unplanned,
                "totalBytes",
                ds.manifest().totalSize()));
      } else {
        bytesByTier.forEach(
            (tier, bytes) ->
                out().printf("  %-12s %s%n", Untrusted.escape(tier), Human.bytes(bytes)));
        out()
            .printf(
                "total %s; shards with no source: %d%n",
                Human.bytes(ds.manifest().totalSize()), unplanned);
      }
      return unplanned == 0 ? ExitCodes.OK : ExitCodes.UNAVAILABLE;
    } finally {
      closeTiers();
    }
  }
}
