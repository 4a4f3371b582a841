package io.btfshybrid.cli;

import io.btfshybrid.core.Dataset;
import io.btfshybrid.core.DatasetClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;

/** The exit path: plain files plus a SHA256SUMS file that {@code sha256sum -c} checks. */
@Command(name = "export", description = "Write MANIFEST's shards as plain files plus SHA256SUMS into --out DIR.")
final class ExportCommand extends PullCommand {
  @Override
  public Integer call() throws Exception {
    try (DatasetClient client = client(); Dataset ds = client.open(manifestUri(manifest))) {
      List<Materializer.Written> files = Materializer.write(ds, outDir);
      StringBuilder sums = new StringBuilder();
      for (Materializer.Written f : files) {
        sums.append(f.sha256()).append("  ").append(f.path()).append('\n');
      }
      Files.writeString(outDir.resolve("SHA256SUMS"), sums, StandardCharsets.UTF_8);
      report(files, ds);
      return ExitCodes.OK;
    } finally {
      closeTiers();
    }
  }
}
