package io.btfshybrid.core;

import io.btfshybrid.api.Locator;
import io.btfshybrid.api.PinnedStorage;
import io.btfshybrid.api.StorageTier;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The repair: scrubs the release, then brings every object to the policy's number of verified
 * copies in distinct failure domains (tiers differing in kind or region).
 *
 * <ul>
 *   <li>An intact BTFS copy that is not pinned is pinned again.
 *   <li>Copies are made only from a source that verifies on the way through (a signed document from
 *       its verified bytes), under the object's content key, and count only once read back
 *       verified; a missing copy is created where the key is free, never overwriting.
 *   <li>A copy that did not verify is replaced at its content key: safe because only one content
 *       can ever be correct under that key, the old bytes are worthless, and every tier here writes
 *       atomically (temp file and rename, a single S3 PUT, BTFS by content), so a failed
 *       replacement leaves the old copy where it was. Corrupt copies are replaced even beyond the
 *       policy's count, as they would otherwise keep failing readers.
 *   <li>Nothing is deleted. Unreachable tiers are left alone and reported.
 * </ul>
 *
 * Running it again after success finds nothing to do.
 */
final class Repair {
  private static final Logger LOG = LoggerFactory.getLogger(Repair.class);

  private final ReleaseOperations ops;
  private final Scrub scrub;
  private final CopyWriter writer;

  Repair(ReleaseOperations ops) {
    this.ops = ops;
    this.scrub = new Scrub(ops);
    this.writer = new CopyWriter(new CopyCheck(ops.readPools().watchdog()));
  }

  private record Outcome(
      List<RepairReport.Copy> copies, Optional<RepairReport.Shortfall> shortfall) {}

  RepairReport run(URI uri, RepairPolicy policy) throws IOException {
    DatasetClient.LoadedManifest loaded = ops.manifest(uri);
    List<ReleaseObject> objects = ReleaseObjects.of(ops, loaded);
    List<ScrubFinding> findings = scrub.findings(objects, Optional.empty());
    Map<String, Map<String, ScrubFinding>> byObject = new LinkedHashMap<>();
    for (ScrubFinding f : findings) {
      byObject.computeIfAbsent(f.object(), k -> new HashMap<>()).put(f.tierId(), f);
    }
    String release = Scrub.release(loaded.manifest());
    List<Outcome> outcomes =
        BoundedParallel.map(
            objects,
            ops.parallelism(),
            "btfs-hybrid-repair",
            o -> repair(release, o, byObject.get(o.name()), policy));
    List<RepairReport.Copy> copies = new ArrayList<>();
    List<RepairReport.Shortfall> shortfalls = new ArrayList<>();
    for (Outcome out : outcomes) {
      copies.addAll(out.copies());
      out.shortfall().ifPresent(shortfalls::add);
    }
    return new RepairReport(release, policy, copies, shortfalls);
  }

  /** A tier's failure domain: its kind and region. */
  static String domain(StorageTier t) {
    return t.kind() + "/" + t.region().orElse("");
  }

  private Outcome repair(
      String release, ReleaseObject o, Map<String, ScrubFinding> found, RepairPolicy policy)
      throws IOException {
    List<RepairReport.Copy> made = new ArrayList<>();
    List<StorageTier> good = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (StorageTier t : ops.tiers()) {
      ScrubFinding f = found.get(t.id());
      if (f.status() == CopyStatus.OK && !f.durable()) {
        if (repin(release, o, t, policy, problems)) {
          made.add(
              new RepairReport.Copy(o.name(), t.id(), t.id(), RepairReport.Action.REPINNED, 0));
          good.add(t);
        }
      } else if (f.durable()) {
        good.add(t);
      }
    }
    Set<String> covered = new HashSet<>();
    good.forEach(t -> covered.add(domain(t)));
    if (good.isEmpty()) {
      return new Outcome(
          made,
          Optional.of(
              new RepairReport.Shortfall(
                  o.name(), 0, policy.copies(), "no tier holds a verified copy to copy from")));
    }
    List<StorageTier> sources = new ArrayList<>(good);
    sources.sort(Comparator.comparing(StorageTier::kind)); // nearest kinds first
    for (StorageTier t : ops.tiers()) {
      ScrubFinding f = found.get(t.id());
      boolean fillsDomain = covered.size() < policy.copies() && !covered.contains(domain(t));
      boolean corrupt = f.status() == CopyStatus.CORRUPT;
      if (good.contains(t) || !(fillsDomain || corrupt)) {
        continue;
      }
      if (f.status() == CopyStatus.UNREACHABLE) {
        problems.add("tier '" + t.id() + "' is unreachable: " + f.detail());
        continue;
      }
      if (CopyCheck.locators(t, o).isEmpty()) {
        problems.add("tier '" + t.id() + "' could not be found again: no location names it there");
        continue;
      }
      RepairReport.Action action =
          corrupt ? RepairReport.Action.REPLACED : RepairReport.Action.COPIED;
      try {
        String from = sources.get(0).id();
        long bytes = o.size();
        if (!policy.isDryRun()) {
          CopyWriter.Made m = writer.copy(o, sources, t, corrupt);
          from = m.fromTierId();
          bytes = m.bytes();
          audit(release, o, from, t, action);
        }
        made.add(new RepairReport.Copy(o.name(), from, t.id(), action, bytes));
        covered.add(domain(t));
      } catch (IOException e) {
        LOG.warn("repair of {} on tier '{}' failed: {}", o.name(), t.id(), e.toString());
        problems.add("copy to tier '" + t.id() + "' failed: " + e.getMessage());
      }
    }
    Optional<RepairReport.Shortfall> missing = Optional.empty();
    if (covered.size() < policy.copies()) {
      Set<String> domains = new HashSet<>();
      ops.tiers().forEach(t -> domains.add(domain(t)));
      String why =
          domains.size() < policy.copies()
              ? "the tiers span only " + domains.size() + " failure domain(s)"
              : String.join("; ", problems);
      missing =
          Optional.of(new RepairReport.Shortfall(o.name(), covered.size(), policy.copies(), why));
    }
    return new Outcome(made, missing);
  }

  private boolean repin(
      String release, ReleaseObject o, StorageTier t, RepairPolicy policy, List<String> problems) {
    if (policy.isDryRun()) {
      return true;
    }
    try {
      for (Locator where : CopyCheck.locators(t, o)) {
        ((PinnedStorage) t).pin(where);
      }
      audit(release, o, t.id(), t, RepairReport.Action.REPINNED);
      return true;
    } catch (IOException | RuntimeException e) {
      problems.add("re-pinning on tier '" + t.id() + "' failed: " + e.getMessage());
      return false;
    }
  }

  private void audit(
      String release, ReleaseObject o, String from, StorageTier to, RepairReport.Action action)
      throws IOException {
    if (ops.audit().isPresent()) {
      ops.audit()
          .get()
          .append(
              AuditEvent.REPAIR,
              Map.of(
                  "release", release,
                  "object", o.name(),
                  "from", from,
                  "to", to.id(),
                  "action", action.name().toLowerCase(java.util.Locale.ROOT)));
    }
  }
}
