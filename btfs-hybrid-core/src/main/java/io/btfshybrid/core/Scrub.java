package io.btfshybrid.core;

import io.btfshybrid.api.DatasetManifest;
import io.btfshybrid.api.StorageTier;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The scrub: every copy of every object of a release (shards, index blobs, manifest revisions,
 * latest pointer) on every tier, read and hashed chunk by chunk, {@code parallelism} copies at a
 * time; settled copies go to an optional checkpoint so a stopped scrub resumes.
 */
final class Scrub {
  private final ReleaseOperations ops;
  private final CopyCheck check;

  Scrub(ReleaseOperations ops) {
    this.ops = ops;
    this.check = new CopyCheck(ops.readPools().watchdog());
  }

  ScrubReport run(URI uri, Optional<Path> checkpoint) throws IOException {
    long started = System.nanoTime();
    DatasetClient.LoadedManifest loaded = ops.manifest(uri);
    List<ReleaseObject> objects = ReleaseObjects.of(ops, loaded);
    List<ScrubFinding> findings;
    if (checkpoint.isPresent()) {
      try (ScrubCheckpoint cp = ScrubCheckpoint.open(checkpoint.get(), loaded.hash())) {
        findings = findings(objects, Optional.of(cp));
      }
    } else {
      findings = findings(objects, Optional.empty());
    }
    ScrubReport report =
        new ScrubReport(
            release(loaded.manifest()), findings, Duration.ofNanos(System.nanoTime() - started));
    ops.metrics()
        .copies(
            loaded.manifest(),
            report.goodCopies().values().stream().mapToInt(Integer::intValue).min().orElse(0));
    return report;
  }

  static String release(DatasetManifest m) {
    return m.datasetId() + "@" + m.version();
  }

  /** Every object on every tier, object by object, tiers in order. */
  List<ScrubFinding> findings(List<ReleaseObject> objects, Optional<ScrubCheckpoint> checkpoint)
      throws IOException {
    record Copy(ReleaseObject object, StorageTier tier) {}
    List<Copy> copies = new ArrayList<>();
    long total = 0;
    for (ReleaseObject o : objects) {
      for (StorageTier t : ops.tiers()) {
        copies.add(new Copy(o, t));
        total += o.size();
      }
    }
    long all = total;
    AtomicLong done = new AtomicLong();
    return BoundedParallel.map(
        copies,
        ops.parallelism(),
        "btfs-hybrid-scrub",
        c -> {
          Optional<ScrubFinding> settled =
              checkpoint.flatMap(cp -> cp.settled(c.object().name(), c.tier().id()));
          ScrubFinding f = settled.orElseGet(() -> check.check(c.tier(), c.object()));
          if (settled.isEmpty() && checkpoint.isPresent()) {
            checkpoint.get().record(f);
          }
          ops.progress().progress("scrub", done.addAndGet(c.object().size()), all);
          return f;
        });
  }
}
