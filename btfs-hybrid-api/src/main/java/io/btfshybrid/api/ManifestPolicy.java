package io.btfshybrid.api;

import java.util.List;
import java.util.Objects;

/**
 * The access rule a manifest carries: the principals and groups allowed to have its data key
 * released. Empty lists on both sides mean no restriction.
 */
public record ManifestPolicy(List<String> principals, List<String> groups) {
  /** Copies the lists (immutable). */
  public ManifestPolicy {
    principals = List.copyOf(Objects.requireNonNull(principals, "principals"));
    groups = List.copyOf(Objects.requireNonNull(groups, "groups"));
  }

  /** True when neither principals nor groups are listed. */
  public boolean isOpen() {
    return principals.isEmpty() && groups.isEmpty();
  }
}
