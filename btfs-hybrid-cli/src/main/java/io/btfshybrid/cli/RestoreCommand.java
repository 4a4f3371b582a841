package io.btfshybrid.cli;

import io.btfshybrid.api.StorageTier;
import io.btfshybrid.core.ReleaseOperations;
import io.btfshybrid.core.RestoreReport;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Rehydrates a release from one configured tier into another (a replacement). */
@Command(
    name = "restore",
    description =
        "Copy MANIFEST's shards, index blobs, manifests and latest pointer from one configured"
            + " tier into another, verifying every byte; reports time and throughput.",
    footerHeading = "%nExample:%n",
    footer = {
      "  btfs-hybrid --config btfs-hybrid.yaml restore btfs://bafk… --from btfs --to new-mirror",
      "",
      "MANIFEST may be the manifest's btfs:// locator when no key-addressed tier holds it any more."
    })
final class RestoreCommand extends OperationsCommand {
  @Parameters(
      index = "0",
      paramLabel = "MANIFEST",
      description = "DATASET@VERSION, DATASET, btfs-hybrid:// address, tier URI or manifest file")
  String manifest;

  @Option(
      names = "--from",
      required = true,
      paramLabel = "TIER",
      description = "id of the configured tier to read from")
  String from;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "TIER",
      description = "id of the configured (replacement) tier to write")
  String to;

  @Mixin ParallelOption parallel = new ParallelOption();

  @Override
  int parallelism() {
    return parallel.parallel;
  }

  @Override
  public Integer call() throws Exception {
    try {
      ReleaseOperations ops = operations();
      StorageTier target =
          tiers().stream()
              .filter(t -> t.id().equals(to))
              .findFirst()
              .orElseThrow(
                  () -> new ConfigException("--to '" + to + "' is not a configured tier id"));
      RestoreReport r = ops.restore(manifestUri(manifest), from, target);
      progressDone();
      if (json()) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("release", r.release());
        out.put("from", r.fromTierId());
        out.put("to", r.toTierId());
        out.put("objects", r.objects());
        out.put("bytes", r.bytes());
        out.put("durationMillis", r.duration().toMillis());
        out.put("bytesPerSecond", (long) r.bytesPerSecond());
        out.put("skipped", r.skipped());
        Json.print(out(), out);
      } else {
        for (String s : r.skipped()) {
          out().println("skipped " + Untrusted.escape(s));
        }
        out()
            .printf(
                "%s: %d objects, %s restored from '%s' to '%s' in %.1fs (%s)%n",
                Untrusted.escape(r.release()),
                r.objects().size(),
                Human.bytes(r.bytes()),
                Untrusted.escape(r.fromTierId()),
                Untrusted.escape(r.toTierId()),
                r.duration().toMillis() / 1000.0,
                Human.rate(r.bytes(), Math.max(1, r.duration().toNanos())));
      }
      return ExitCodes.OK;
    } finally {
      closeAll();
    }
  }
}
