package io.btfshybrid.testkit;

import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectInfo;
import io.btfshybrid.api.StorageTier;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/** A {@link FaultInjectingTier}'s listing: the wrapped tier's, under the faults that apply. */
final class FaultyListing {
  private FaultyListing() {}

  static List<ObjectInfo> list(
      StorageTier delegate, String tierId, String prefix, FaultRules rules, TierCounters counters)
      throws IOException {
    Locator listing;
    try {
      listing = new Locator(tierId, new URI("list", null, "/" + prefix, null));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("list prefix '" + prefix + "' is not URI-safe", e);
    }
    FaultPlan whole = rules.planFor(listing, delegate);
    counters.checkAvailable(whole, listing);
    if (whole.failOnOpen) {
      throw new IOException("injected failure listing '" + prefix + "' on tier '" + tierId + "'");
    }
    List<ObjectInfo> listed = new ArrayList<>();
    for (ObjectInfo info : delegate.list(prefix)) {
      FaultPlan plan = rules.planFor(info.locator(), delegate);
      if (!plan.vanished) {
        listed.add(plan.truncate(info));
      }
    }
    return listed;
  }
}
