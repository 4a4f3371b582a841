package io.btfshybrid.testkit;

import io.btfshybrid.api.Locator;
import io.btfshybrid.api.StorageTier;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** The faults added to one {@link FaultInjectingTier}: each applies to the objects it targets. */
final class FaultRules {
  private final List<Rule> rules = new CopyOnWriteArrayList<>();

  void add(Target target, Consumer<FaultPlan> fault) {
    rules.add(new Rule(target, fault));
  }

  /** The faults of every rule that targets {@code where}, composed into one plan. */
  FaultPlan planFor(Locator where, StorageTier tier) {
    FaultPlan plan = new FaultPlan();
    for (Rule rule : rules) {
      if (rule.target().matches(where, tier)) {
        rule.fault().accept(plan);
      }
    }
    return plan;
  }

  void clear() {
    rules.clear();
  }

  /** Removes the rules added for the object named {@code keyOrUri}. */
  void clear(String keyOrUri) {
    rules.removeIf(r -> keyOrUri.equals(r.target().keyOrUri()));
  }

  int size() {
    return rules.size();
  }

  private record Rule(Target target, Consumer<FaultPlan> fault) {}
}
