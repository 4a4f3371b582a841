package io.btfshybrid.cli;

import io.btfshybrid.core.DatasetPublisher;
import io.btfshybrid.core.ManifestSigner;
import io.btfshybrid.core.PublishResult;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Publishes a directory as a signed release to every configured tier. */
@Command(name = "publish", description = "Publish DIR as an immutable, signed release; prints the manifest URI.")
final class PublishCommand extends ConfiguredCommand {
  @Parameters(index = "0", paramLabel = "DIR", description = "directory to publish")
  Path source;

  @Option(names = "--dataset", required = true, description = "dataset id")
  String dataset;

  @Option(names = "--version", required = true, description = "release version")
  String version;

  @Option(names = "--signing-key", required = true, description = "signing keyset from 'keys generate'")
  Path signingKey;

  @Option(names = "--classification", defaultValue = "unclassified", description = "classification label")
  String classification;

  @Override
  public Integer call() throws Exception {
    try {
      DatasetPublisher.Builder b = DatasetPublisher.builder()
          .tiers(tiers())
          .signer(ManifestSigner.load(signingKey))
          .classification(classification);
      if (!json()) {
        b.progress(new ProgressBar(spec.commandLine().getErr()));
      }
      PublishResult r = b.build().publish(source, dataset, version);
      if (json()) {
        Json.print(out(), Map.of(
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
