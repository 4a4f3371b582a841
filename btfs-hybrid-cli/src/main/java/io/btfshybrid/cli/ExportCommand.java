package io.btfshybrid.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import picocli.CommandLine.Command;

/** The exit path: plain files plus a SHA256SUMS file that {@code sha256sum -c} checks. */
@Command(
    name = "export",
    description = "Write MANIFEST's shards as plain files plus SHA256SUMS into --out DIR.")
final class ExportCommand extends PullCommand {
  @Override
  void afterWrite(List<Materializer.Written> files) throws IOException {
    StringBuilder sums = new StringBuilder();
    for (Materializer.Written f : files) {
      sums.append(f.sha256()).append("  ").append(f.path()).append('\n');
    }
    Files.writeString(outDir.resolve("SHA256SUMS"), sums, StandardCharsets.UTF_8);
  }
}
