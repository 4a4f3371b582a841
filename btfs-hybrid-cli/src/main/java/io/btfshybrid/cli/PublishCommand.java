package io.btfshybrid.cli;

import io.btfshybrid.core.AccessPolicy;
import io.btfshybrid.core.AuditLog;
import io.btfshybrid.core.DatasetPublisher;
import io.btfshybrid.core.LocalKeyManagementService;
import io.btfshybrid.core.ManifestSigner;
import io.btfshybrid.core.PublishResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Publishes a directory as a signed release to every configured tier. */
@Command(
    name = "publish",
    description = "Publish DIR as an immutable, signed release; prints the manifest URI.")
final class PublishCommand extends ConfiguredCommand {
  @Parameters(index = "0", paramLabel = "DIR", description = "directory to publish")
  Path source;

  @Option(names = "--dataset", required = true, description = "dataset id")
  String dataset;

  @Option(names = "--version", required = true, description = "release version")
  String version;

  @Option(
      names = "--signing-key",
      required = true,
      description = "signing keyset from 'keys generate'")
  Path signingKey;

  @Option(
      names = "--classification",
      defaultValue = "unclassified",
      description = "classification label")
  String classification;

  @Option(
      names = "--encrypt",
      description = "envelope-encrypt the shards (needs --kek and --kek-id)")
  boolean encrypt;

  @Option(names = "--kek-id", description = "the KEK that wraps the release's data key")
  String kekId;

  @Option(names = "--allow", description = "allowed reader: NAME or group:NAME (repeatable)")
  List<String> allow = List.of();

  @Option(names = "--expires-in", description = "manifest validity, e.g. 30d, 12h, 90m")
  String expiresIn;

  @Override
  public Integer call() throws Exception {
    try {
      DatasetPublisher.Builder b =
          DatasetPublisher.builder()
              .tiers(tiers())
              .signer(ManifestSigner.load(signingKey))
              .classification(classification);
      if (encrypt) {
        if (reader.kek == null || kekId == null) {
          throw new ConfigException("--encrypt needs --kek KEK.json and --kek-id ID");
        }
        b.encryptWith(LocalKeyManagementService.load(reader.kek), kekId);
      }
      if (!allow.isEmpty()) {
        AccessPolicy.Builder policy = AccessPolicy.builder().classification(classification);
        for (String a : allow) {
          if (a.startsWith("group:")) {
            policy.allowGroup(a.substring("group:".length()));
          } else {
            policy.allowPrincipal(a);
          }
        }
        b.policy(policy.build());
      }
      if (expiresIn != null) {
        b.expiresAfter(Durations.parse(expiresIn));
      }
      if (config().audit().isPresent()) {
        b.auditLog(AuditLog.open(config().audit().get()));
      }
      if (!json()) {
        b.progress(new ProgressBar(spec.commandLine().getErr()));
      }
      PublishResult r = b.build().publish(source, dataset, version);
      if (json()) {
        Json.print(
            out(),
            Map.of(
                "manifestUri", r.manifestUri().toString(),
                "manifestHash", r.manifestHash(),
                "shards", r.manifest().shards().size(),
                "bytesUploaded", r.bytesUploaded(),
                "alreadyPublished", r.alreadyPublished()));
      } else {
        out().println(r.manifestUri());
      }
      return ExitCodes.OK;
    } finally {
      closeTiers();
    }
  }
}
