package io.btfshybrid.core;

import io.btfshybrid.api.Locator;
import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.TierKind;

/**
 * One step of a read plan: ask {@code tier} for the object at {@code locator}.
 *
 * @param tier the tier to ask
 * @param locator where on that tier (its content-addressed key first, then manifest hints)
 */
public record PlannedSource(StorageTier tier, Locator locator) {
  /** The tier's id. */
  public String tierId() {
    return tier.id();
  }

  /** The tier's kind (REPLICA, CLOUD, BTFS). */
  public TierKind kind() {
    return tier.kind();
  }
}
