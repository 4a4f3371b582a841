package io.btfshybrid.core;

import com.google.common.base.Preconditions;
import io.btfshybrid.api.ShardUnavailableException;
import io.btfshybrid.api.StorageTier;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The restore: rehydrates a release into a replacement tier from one source tier. Shards and index
 * blobs are streamed from the source, verified on the way in, written under their content keys and
 * read back; only when every blob verified are the manifest revisions and the newest verified
 * latest pointer written (from their verified bytes), so a failed restore never leaves a tier that
 * opens the release but lacks a shard. The signed manifest is not rewritten: the new tier serves
 * every object by its content key. Copies the new tier already holds intact are kept.
 */
final class Restore {
  private static final Logger LOG = LoggerFactory.getLogger(Restore.class);

  private final ReleaseOperations ops;
  private final CopyCheck check;
  private final CopyWriter writer;

  Restore(ReleaseOperations ops) {
    this.ops = ops;
    this.check = new CopyCheck(ops.readPools().watchdog());
    this.writer = new CopyWriter(check);
  }

  RestoreReport run(URI uri, String fromTierId, StorageTier to) throws IOException {
    StorageTier from = ops.tier(fromTierId);
    Preconditions.checkArgument(
        !from.id().equals(to.id()), "restore needs a tier other than its source '%s'", fromTierId);
    long started = System.nanoTime();
    DatasetClient.LoadedManifest loaded = ops.manifest(uri);
    List<StorageTier> pointerTiers = new ArrayList<>(ops.tiers());
    if (!pointerTiers.contains(to)) {
      pointerTiers.add(to);
    }
    List<ReleaseObject> objects = ReleaseObjects.of(ops, loaded, pointerTiers);
    List<ReleaseObject> blobs = new ArrayList<>();
    List<ReleaseObject> documents = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (ReleaseObject o : objects) {
      if (!o.checkable()) {
        skipped.add(o.name() + ": no tier holds a verified copy");
      } else if (o.content().isPresent()) {
        documents.add(o);
      } else {
        blobs.add(o);
      }
    }
    if (objects.stream().noneMatch(o -> o.kind() == ReleaseObject.Kind.POINTER)) {
      skipped.add("latest pointer: no key-addressed tier holds a verified one");
    }
    String release = Scrub.release(loaded.manifest());
    long total = objects.stream().mapToLong(ReleaseObject::size).sum();
    AtomicLong done = new AtomicLong();
    List<Optional<String>> blobFailures =
        BoundedParallel.map(
            blobs,
            ops.parallelism(),
            "btfs-hybrid-restore",
            o -> restored(release, o, from, to, done, total));
    List<String> failed = blobFailures.stream().flatMap(Optional::stream).toList();
    if (!failed.isEmpty()) {
      throw new ShardUnavailableException(
          failed.get(0).substring(0, failed.get(0).indexOf(':')),
          "restore from '"
              + fromTierId
              + "' to '"
              + to.id()
              + "' stopped before writing any manifest; "
              + failed.size()
              + " object(s) failed, first: "
              + failed.get(0));
    }
    for (ReleaseObject d : documents) {
      Optional<String> failure = restored(release, d, from, to, done, total);
      if (failure.isPresent()) {
        throw new IOException(
            "restore to '" + to.id() + "' wrote every blob but not " + failure.get());
      }
    }
    List<String> names = new ArrayList<>();
    blobs.forEach(o -> names.add(o.name()));
    documents.forEach(o -> names.add(o.name()));
    long bytes = blobs.stream().mapToLong(ReleaseObject::size).sum();
    bytes += documents.stream().mapToLong(ReleaseObject::size).sum();
    return new RestoreReport(
        release,
        fromTierId,
        to.id(),
        names,
        bytes,
        Duration.ofNanos(System.nanoTime() - started),
        skipped);
  }

  /** Copies one object unless the target already holds it intact; empty on success. */
  private Optional<String> restored(
      String release, ReleaseObject o, StorageTier from, StorageTier to, AtomicLong done, long all)
      throws IOException {
    ScrubFinding there = check.check(to, o);
    try {
      if (!there.durable()) {
        writer.copy(o, List.of(from), to, there.status() == CopyStatus.CORRUPT);
        if (ops.audit().isPresent()) {
          ops.audit()
              .get()
              .append(
                  AuditEvent.REPAIR,
                  Map.of(
                      "release", release,
                      "object", o.name(),
                      "from", from.id(),
                      "to", to.id(),
                      "action", "restore"));
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      LOG.warn("restoring {} to '{}' failed: {}", o.name(), to.id(), e.toString());
      return Optional.of(o.name() + ": " + e.getMessage());
    } finally {
      ops.progress().progress("restore", done.addAndGet(o.size()), all);
    }
  }
}
