package io.btfshybrid.cli;

import io.btfshybrid.core.Dataset;
import io.btfshybrid.core.DatasetClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Downloads a release, verified, into a directory. */
@Command(
    name = "pull",
    description = "Download every shard of MANIFEST, verified, into --out DIR.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  btfs-hybrid --config btfs-hybrid.yaml pull imagenet-mini@1.0.0 --out data/",
      "  btfs-hybrid pull imagenet-mini --out data/ --resume     # latest version, continue",
      "",
      "MANIFEST is DATASET@VERSION, DATASET (its latest version), a btfs-hybrid:// address or a"
          + " manifest file. A non-empty --out is refused unless --force or --resume; files are"
          + " written as temporary siblings and renamed into place once verified."
    })
class PullCommand extends ConfiguredCommand {
  @Parameters(
      index = "0",
      paramLabel = "MANIFEST",
      description = "DATASET@VERSION, DATASET, btfs-hybrid:// address or manifest file")
  String manifest;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "destination directory")
  Path outDir;

  @ArgGroup(exclusive = true)
  Existing existing = new Existing();

  /** What to do when --out already holds files. */
  static final class Existing {
    @Option(
        names = "--force",
        description = "overwrite files at the release's paths (other files are left alone)")
    boolean force;

    @Option(
        names = "--resume",
        description = "keep files that already match the release (SHA-256), write the rest")
    boolean resume;
  }

  @Override
  public Integer call() throws Exception {
    try (DatasetClient client = client();
        Dataset ds = client.open(manifestUri(manifest))) {
      Materializer.Mode mode =
          existing.force
              ? Materializer.Mode.FORCE
              : existing.resume ? Materializer.Mode.RESUME : Materializer.Mode.FRESH;
      List<Materializer.Written> files =
          new Materializer(
                  ds,
                  mode,
                  ProgressBar.forTerminal(spec.commandLine().getErr(), json()),
                  Interruption.current())
              .write(outDir);
      Map<String, Object> extra = afterWrite(ds, files);
      report(files, ds, extra);
      return ExitCodes.OK;
    } finally {
      closeTiers();
    }
  }

  /** Called once every file is written and verified; export adds its checksum file here. */
  Map<String, Object> afterWrite(Dataset ds, List<Materializer.Written> files) throws IOException {
    return Map.of();
  }

  void report(List<Materializer.Written> files, Dataset ds, Map<String, Object> extra) {
    long bytes = files.stream().mapToLong(Materializer.Written::size).sum();
    long kept = files.stream().filter(Materializer.Written::kept).count();
    if (json()) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("dataset", ds.manifest().datasetId());
      doc.put("version", ds.manifest().version());
      doc.put("manifestHash", ds.manifestHash());
      doc.put("files", files.size());
      doc.put("filesKept", kept);
      doc.put("bytes", bytes);
      doc.put("out", outDir.toString());
      doc.putAll(extra);
      Json.print(out(), doc);
    } else {
      out()
          .printf(
              "%s@%s: %d files, %s verified into %s%s%n",
              Untrusted.escape(ds.manifest().datasetId()),
              Untrusted.escape(ds.manifest().version()),
              files.size(),
              Human.bytes(bytes),
              outDir,
              kept == 0 ? "" : " (" + kept + " already there and verified)");
      extra.forEach((k, v) -> out().printf("%s: %s%n", k, v));
    }
  }
}
