package io.btfshybrid.core;

import io.btfshybrid.api.Locator;
import java.util.List;

/**
 * What {@link ReleaseOperations#collectGarbage} retired and kept: the versions outside every
 * policy, the versions kept, and each stored object deleted (or, in a dry run, that would be).
 *
 * @param dryRun whether nothing was changed
 * @param removed the versions retired (in a dry run: that would be), oldest first per dataset
 * @param kept the versions kept, oldest first per dataset
 * @param objects every manifest, shard and index blob copy removed (BTFS: unpinned)
 * @param bytes the stored bytes of those objects as the tiers reported them
 * @param failures objects that could not be removed, each naming the copy and why
 */
public record GcReport(
    boolean dryRun,
    List<ReleaseInfo> removed,
    List<ReleaseInfo> kept,
    List<Locator> objects,
    long bytes,
    List<String> failures) {
  /** Copies the lists. */
  public GcReport {
    removed = List.copyOf(removed);
    kept = List.copyOf(kept);
    objects = List.copyOf(objects);
    failures = List.copyOf(failures);
  }
}
