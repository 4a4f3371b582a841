package io.btfshybrid.cli;

import io.btfshybrid.api.DatasetManifest;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.core.Dataset;
import io.btfshybrid.core.DatasetClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Shows a verified manifest. */
@Command(
    name = "inspect",
    description = "Verify MANIFEST and show what it contains.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  btfs-hybrid --config btfs-hybrid.yaml inspect imagenet-mini@1.0.0",
      "  btfs-hybrid inspect imagenet-mini --json     # the latest version, as JSON"
    })
final class InspectCommand extends ConfiguredCommand {
  @Parameters(
      index = "0",
      paramLabel = "MANIFEST",
      description = "DATASET@VERSION, DATASET, btfs-hybrid:// address or manifest file")
  String manifest;

  @Override
  public Integer call() throws Exception {
    try (DatasetClient client = client();
        Dataset ds = client.open(manifestUri(manifest))) {
      DatasetManifest m = ds.manifest();
      if (json()) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("dataset", m.datasetId());
        doc.put("version", m.version());
        doc.put("manifestHash", ds.manifestHash());
        doc.put("owner", m.owner());
        doc.put("classification", m.classification());
        doc.put("createdAt", m.createdAt().toString());
        doc.put("expiresAt", m.expiresAt().map(Object::toString).orElse(null));
        doc.put("encrypted", m.encryption().isPresent());
        List<Map<String, Object>> shards = new ArrayList<>();
        for (ShardEntry s : m.shards()) {
          shards.add(
              Map.of(
                  "path",
                  s.path(),
                  "size",
                  s.size(),
                  "sha256",
                  s.sha256(),
                  "chunks",
                  s.chunkCount()));
        }
        doc.put("shards", shards);
        Json.print(out(), doc);
      } else {
        out()
            .printf(
                "%s@%s  manifest %s%n",
                Untrusted.escape(m.datasetId()), Untrusted.escape(m.version()), ds.manifestHash());
        out()
            .printf(
                "owner %s, classification %s, created %s, expires %s, %s%n",
                Untrusted.escape(m.owner()),
                Untrusted.escape(m.classification()),
                m.createdAt(),
                m.expiresAt().map(Object::toString).orElse("never"),
                m.encryption().isPresent() ? "encrypted" : "not encrypted");
        out().printf("%d shards, %s%n", m.shards().size(), Human.bytes(m.totalSize()));
        for (ShardEntry s : m.shards()) {
          out()
              .printf(
                  "  %12d  %s  %s%n",
                  s.size(),
                  Untrusted.escape(s.sha256().substring(0, Math.min(16, s.sha256().length()))),
                  Untrusted.escape(s.path()));
        }
      }
      return ExitCodes.OK;
    } finally {
      closeTiers();
    }
  }
}
