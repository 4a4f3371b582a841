package io.btfshybrid.cli;

import io.btfshybrid.core.AuditLog;
import io.btfshybrid.core.AuditVerification;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Checks the hash chain of an audit log. */
@Command(
    name = "audit",
    description = "Audit log: every publish, open, key release and denial, hash-chained.",
    subcommands = AuditCommand.Verify.class,
    footerHeading = "%nExample:%n",
    footer = "  btfs-hybrid audit verify --log audit.log")
final class AuditCommand extends GroupCommand {

  /** Verifies the chain and names the first edited, removed or reordered entry. */
  @Command(
      name = "verify",
      description =
          "Verify the audit log's hash chain; names the first edited, removed or reordered entry"
              + " (exit 3).",
      footerHeading = "%nExamples:%n",
      footer = {
        "  btfs-hybrid audit verify --log audit.log",
        "  btfs-hybrid --config btfs-hybrid.yaml audit verify --json"
      })
  static final class Verify implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--log",
        paramLabel = "FILE",
        description = "audit log file (default: the configuration's 'audit')")
    Path log;

    @Override
    public Integer call() throws Exception {
      Path file = log;
      if (file == null) {
        Path configFile = GlobalOptions.config(spec);
        if (configFile == null) {
          throw new ConfigException("no audit log: pass --log FILE or a --config with 'audit:'");
        }
        file =
            CliConfig.load(configFile)
                .audit()
                .orElseThrow(() -> new ConfigException("the configuration has no 'audit:' file"));
      }
      AuditVerification v = AuditLog.verify(file);
      if (GlobalOptions.json(spec)) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("ok", v.ok());
        doc.put("entries", v.entries());
        doc.put("firstBadEntry", v.firstBadEntry());
        doc.put("detail", v.detail());
        Json.print(spec.commandLine().getOut(), doc);
      } else if (v.ok()) {
        spec.commandLine().getOut().printf("%s: %d entries, chain intact%n", file, v.entries());
      } else {
        spec.commandLine()
            .getErr()
            .printf(
                "btfs-hybrid: %s: chain broken at entry %d: %s%n",
                file, v.firstBadEntry(), Untrusted.escape(v.detail()));
      }
      return v.ok() ? ExitCodes.OK : ExitCodes.INTEGRITY;
    }
  }
}
