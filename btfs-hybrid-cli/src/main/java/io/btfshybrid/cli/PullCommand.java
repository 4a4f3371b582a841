package io.btfshybrid.cli;

import io.btfshybrid.core.Dataset;
import io.btfshybrid.core.DatasetClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Downloads a release, verified, into a directory. */
@Command(name = "pull", description = "Download every shard of MANIFEST, verified, into --out DIR.")
class PullCommand extends ConfiguredCommand {
  @Parameters(
      index = "0",
      paramLabel = "MANIFEST",
      description = "release address, tier URI or manifest file")
  String manifest;

  @Option(names = "--out", required = true, description = "destination directory")
  Path outDir;

  @Override
  public Integer call() throws Exception {
    try (DatasetClient client = client();
        Dataset ds = client.open(manifestUri(manifest))) {
      List<Materializer.Written> files = Materializer.write(ds, outDir);
      afterWrite(files);
      report(files, ds);
      return ExitCodes.OK;
    } finally {
      closeTiers();
    }
  }

  /** Called once every file is written and verified; export adds its SHA256SUMS here. */
  void afterWrite(List<Materializer.Written> files) throws java.io.IOException {}

  void report(List<Materializer.Written> files, Dataset ds) {
    long bytes = files.stream().mapToLong(Materializer.Written::size).sum();
    if (json()) {
      Json.print(
          out(),
          Map.of(
              "dataset",
              ds.manifest().datasetId(),
              "version",
              ds.manifest().version(),
              "files",
              files.size(),
              "bytes",
              bytes,
              "out",
              outDir.toString()));
    } else {
      out()
          .printf(
              "%s@%s: %d files, %s verified into %s%n",
              ds.manifest().datasetId(),
              ds.manifest().version(),
              files.size(),
              Human.bytes(bytes),
              outDir);
    }
  }
}
