package io.btfshybrid.cli;

import io.btfshybrid.core.Catalog;
import io.btfshybrid.core.ReleaseInfo;
import io.btfshybrid.core.ReleaseOperations;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Lists the datasets and versions the configured tiers hold, verified, with the latest marked. */
@Command(
    name = "ls",
    description =
        "Datasets and their verified versions (owner, classification, size, created, expiry,"
            + " latest), read from the tiers.",
    footerHeading = "%nExample:%n",
    footer = {
      "  btfs-hybrid --config btfs-hybrid.yaml ls imagenet-mini",
      "",
      "Documents that do not verify are named on stderr and never listed. Exits 4 when a tier"
          + " could not be listed (what could be read is still shown) or DATASET has no"
          + " verified version."
    })
final class LsCommand extends OperationsCommand {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,127}");

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "DATASET",
      description = "only this dataset (default: every dataset)")
  String dataset;

  @Override
  public Integer call() throws Exception {
    if (dataset != null && !NAME.matcher(dataset).matches()) {
      throw new IllegalArgumentException(
          "DATASET '" + dataset + "' is not a dataset id (letters, digits, '.', '_', '+', '-')");
    }
    Catalog catalog;
    try (ReleaseOperations ops = operations()) {
      catalog = ops.catalog();
    } finally {
      closeTiers();
    }
    List<String> datasets = dataset == null ? catalog.datasets() : List.of(dataset);
    PrintWriter err = spec.commandLine().getErr();
    catalog.rejected().forEach(r -> err.println("btfs-hybrid: rejected: " + Untrusted.escape(r)));
    catalog
        .unreadable()
        .forEach(u -> err.println("btfs-hybrid: unreadable: " + Untrusted.escape(u)));
    if (json()) {
      Json.print(out(), asJson(catalog, datasets));
    } else {
      printTable(catalog, datasets);
    }
    boolean missing = dataset != null && catalog.versions(dataset).isEmpty();
    if (missing) {
      err.println(
          "btfs-hybrid: no verified version of dataset '"
              + dataset
              + "' on any tier; datasets found: "
              + Untrusted.escape(catalog.datasets().toString()));
    }
    return missing || !catalog.complete() ? ExitCodes.UNAVAILABLE : ExitCodes.OK;
  }

  private void printTable(Catalog catalog, List<String> datasets) {
    String row = "%-20s %-12s %-14s %-14s %10s  %-20s  %-20s  %s%n";
    out().printf(row, "DATASET", "VERSION", "OWNER", "CLASS", "SIZE", "CREATED", "EXPIRES", "");
    for (String ds : datasets) {
      for (ReleaseInfo r : catalog.versions(ds)) {
        out()
            .printf(
                row,
                Untrusted.escape(r.dataset()),
                Untrusted.escape(r.version()),
                Untrusted.escape(r.owner()),
                Untrusted.escape(r.classification()),
                Human.bytes(r.size()),
                r.created(),
                r.expiry().map(Object::toString).orElse("never"),
                r.latest() ? "latest" : "");
      }
    }
  }

  private static Map<String, Object> asJson(Catalog catalog, List<String> datasets) {
    List<Object> list = new ArrayList<>();
    for (String ds : datasets) {
      List<Object> versions = new ArrayList<>();
      for (ReleaseInfo r : catalog.versions(ds)) {
        versions.add(asJson(r));
      }
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("dataset", ds);
      d.put("latest", catalog.latest(ds).map(ReleaseInfo::version).orElse(null));
      d.put("versions", versions);
      list.add(d);
    }
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("datasets", list);
    all.put("rejected", catalog.rejected());
    all.put("unreadable", catalog.unreadable());
    return all;
  }

  /** One version as JSON (also gc's). */
  static Map<String, Object> asJson(ReleaseInfo r) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("dataset", r.dataset());
    v.put("version", r.version());
    v.put("revision", r.revision());
    v.put("owner", r.owner());
    v.put("classification", r.classification());
    v.put("size", r.size());
    v.put("created", r.created().toString());
    v.put("expires", r.expiry().map(Object::toString).orElse(null));
    v.put("manifestUri", r.manifestUri().toString());
    v.put("manifestHash", r.manifestHash());
    v.put("latest", r.latest());
    return v;
  }
}
