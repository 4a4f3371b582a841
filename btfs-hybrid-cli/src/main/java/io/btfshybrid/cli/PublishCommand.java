package io.btfshybrid.cli;

import io.btfshybrid.api.Durations;
import io.btfshybrid.api.LocationHint;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.TierKind;
import io.btfshybrid.core.AccessPolicy;
import io.btfshybrid.core.AuditLog;
import io.btfshybrid.core.DatasetPublisher;
import io.btfshybrid.core.PublishResult;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Publishes a directory as a signed release to every configured tier. */
@Command(
    name = "publish",
    description =
        "Publish DIR as an immutable, signed release to every configured tier; prints the"
            + " manifest URI, its hash and the CIDs pinned on BTFS.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  btfs-hybrid --config btfs-hybrid.yaml publish ./imagenet-mini \\",
      "      --dataset imagenet-mini --version 1.0.0 --signing-key signer.json",
      "  btfs-hybrid publish ./secret --dataset secret --version 1 \\",
      "      --signing-key signer.json --encrypt --kek kek.json --kek-id kek-1 \\",
      "      --allow group:research --expires-in 30d",
      "",
      "Publishing the same content again is a no-op; a re-run after an interruption reuses the"
          + " blobs already on the tiers. Different content under a published version exits 7."
    })
final class PublishCommand extends ConfiguredCommand {
  @Parameters(index = "0", paramLabel = "DIR", description = "directory to publish")
  Path source;

  @Option(names = "--dataset", required = true, paramLabel = "ID", description = "dataset id")
  String dataset;

  @Option(
      names = "--version",
      required = true,
      paramLabel = "V",
      description = "release version (not 'latest')")
  String version;

  @Option(
      names = "--signing-key",
      required = true,
      paramLabel = "SIGNER.json",
      description = "signing keyset from 'keys generate'")
  Path signingKey;

  @Option(
      names = "--classification",
      defaultValue = "unclassified",
      paramLabel = "LABEL",
      description = "classification label")
  String classification;

  @Option(
      names = "--encrypt",
      description = "envelope-encrypt the shards (needs --kek and --kek-id)")
  boolean encrypt;

  @Option(
      names = "--kek-id",
      paramLabel = "ID",
      description = "the KEK (in --kek) that wraps the release's data key")
  String kekId;

  @Option(
      names = "--allow",
      showDefaultValue = picocli.CommandLine.Help.Visibility.NEVER,
      paramLabel = "NAME|group:NAME",
      description = "allowed reader principal or group (repeatable); default: anyone")
  List<String> allow = List.of();

  @Option(
      names = "--expires-in",
      paramLabel = "DURATION",
      description = "manifest validity, e.g. 30d, 12h, 90m, 45s; default: never expires")
  String expiresIn;

  @Override
  public Integer call() throws Exception {
    try {
      DatasetPublisher.Builder b =
          DatasetPublisher.builder()
              .tiers(tiers())
              .signer(KeyFiles.signer(signingKey))
              .classification(classification);
      if (encrypt) {
        if (reader.kek == null || kekId == null) {
          throw new ConfigException("--encrypt needs --kek KEK.json and --kek-id ID");
        }
        b.encryptWith(KeyFiles.kek(reader.kek), kekId);
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
      ProgressBar bar = ProgressBar.forTerminal(spec.commandLine().getErr(), json());
      b.progress(bar);
      Interruption.current()
          .progress(
              "publish of "
                  + dataset
                  + "@"
                  + version
                  + " stopped before its manifest was written; run it again to reuse the"
                  + " blobs already uploaded");
      PublishResult r;
      try {
        r = b.build().publish(source, dataset, version);
      } finally {
        bar.finish();
      }
      report(r);
      return ExitCodes.OK;
    } finally {
      closeTiers();
    }
  }

  private void report(PublishResult r) {
    Map<String, String> cids = pinnedCids(r);
    if (json()) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("manifestUri", r.manifestUri().toString());
      doc.put("manifestHash", r.manifestHash());
      doc.put("latestUri", r.latestUri().toString());
      doc.put("shards", r.manifest().shards().size());
      doc.put("bytesUploaded", r.bytesUploaded());
      doc.put("objectsUploaded", r.objectsUploaded());
      doc.put("objectsReused", r.objectsReused());
      doc.put("alreadyPublished", r.alreadyPublished());
      doc.put("btfsCids", cids);
      doc.put("manifestLocations", r.manifestLocations().stream().map(Object::toString).toList());
      Json.print(out(), doc);
      return;
    }
    out().println(r.manifestUri());
    out().printf("  manifest sha256 %s%n", r.manifestHash());
    out()
        .printf(
            "  %d shards; %s uploaded in %d objects, %d already on the tiers%s%n",
            r.manifest().shards().size(),
            Human.bytes(r.bytesUploaded()),
            r.objectsUploaded(),
            r.objectsReused(),
            r.alreadyPublished() ? " (already published: nothing changed)" : "");
    cids.forEach(
        (path, cid) ->
            out().printf("  pinned %s  %s%n", Untrusted.escape(cid), Untrusted.escape(path)));
    r.manifestLocations().stream()
        .filter(l -> l.uri().getScheme().equals("btfs"))
        .forEach(
            l ->
                out()
                    .printf(
                        "  manifest on %s: %s (restore's MANIFEST when no other tier is left)%n",
                        Untrusted.escape(l.tierId()), Untrusted.escape(l.uri().toString())));
  }

  /** Each shard's CID on a BTFS tier, from the manifest's location hints. */
  static Map<String, String> pinnedCids(PublishResult r) {
    Map<String, String> cids = new LinkedHashMap<>();
    for (ShardEntry s : r.manifest().shards()) {
      for (LocationHint h : s.locations()) {
        if (h.kind() == TierKind.BTFS) {
          String uri = h.uri().toString();
          cids.put(s.path(), uri.startsWith("btfs://") ? uri.substring("btfs://".length()) : uri);
        }
      }
    }
    return cids;
  }
}
