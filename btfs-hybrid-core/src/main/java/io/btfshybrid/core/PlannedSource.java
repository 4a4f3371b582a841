package io.btfshybrid.core;

import io.btfshybrid.api.Locator;
import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.TierKind;

/** One step of a read plan: ask {@code tier} for the object at {@code locator}. */
public record PlannedSource(StorageTier tier, Locator locator) {
  public String tierId() {
    return tier.id();
  }

  public TierKind kind() {
    return tier.kind();
  }
}
