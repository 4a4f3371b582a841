package io.btfshybrid.testkit;

import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ShardEntry;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The chaos soak's fault schedule and its model: before each read, every tier's faults are healed
 * and new random ones are put on the shard about to be read; during the read they stay as they are.
 * The model records, per tier, which chunks of that shard cannot be served right: a read that fails
 * although every chunk it touches is good on some tier is the client's fault.
 */
final class SoakFaults {
  /** The faults of issue 9's chaos soak. */
  enum Kind {
    CORRUPT,
    TRUNCATE,
    STALL,
    RESET,
    ENDLESS,
    VANISH,
    STORM
  }

  private final SplittableRandom random;
  private final List<Kind> kinds;
  private final double faultPerTier;
  private final Map<Kind, Long> injected = new EnumMap<>(Kind.class);

  /**
   * @param kinds the faults to draw from
   * @param faultPerTier the chance that a tier gets a fault on the shard read next (a second one
   *     follows with a third of that chance)
   */
  SoakFaults(SplittableRandom random, List<Kind> kinds, double faultPerTier) {
    this.random = random;
    this.kinds = List.copyOf(kinds);
    this.faultPerTier = faultPerTier;
    for (Kind k : Kind.values()) {
      injected.put(k, 0L);
    }
  }

  /**
   * Heals every tier, then puts random faults on {@code shard}'s copy on each; returns, per tier in
   * {@code tiers} order, the chunks of the shard that tier cannot serve now.
   */
  BitSet[] schedule(List<FaultInjectingTier> tiers, ShardEntry shard, Map<String, Locator> where) {
    BitSet[] bad = new BitSet[tiers.size()];
    for (int t = 0; t < tiers.size(); t++) {
      FaultInjectingTier tier = tiers.get(t);
      tier.heal();
      bad[t] = new BitSet(shard.chunkCount());
      if (random.nextDouble() < faultPerTier) {
        inject(tier, where.get(tier.id()), shard, bad[t]);
        if (random.nextDouble() < faultPerTier / 3) {
          inject(tier, where.get(tier.id()), shard, bad[t]);
        }
      }
    }
    return bad;
  }

  /** How many faults of each kind were put in place. */
  Map<Kind, Long> injected() {
    return injected;
  }

  private void inject(FaultInjectingTier tier, Locator at, ShardEntry shard, BitSet bad) {
    Kind kind = kinds.get(random.nextInt(kinds.size()));
    injected.merge(kind, 1L, Long::sum);
    long offset = offset(shard);
    int chunks = shard.chunkCount();
    int from = chunkAt(shard, offset);
    switch (kind) {
      case CORRUPT -> {
        tier.corruptByteAt(at, offset);
        bad.set(from);
      }
      case TRUNCATE -> {
        tier.truncateAfter(at, offset);
        bad.set(firstEndingAfter(shard, offset), chunks);
      }
      case STALL -> {
        tier.stallAt(at, offset);
        bad.set(firstEndingAfter(shard, offset), chunks);
      }
      case RESET -> {
        tier.failAfter(at, offset);
        bad.set(firstEndingAfter(shard, offset), chunks);
      }
      case ENDLESS -> {
        tier.endlessBodyAt(at, offset);
        bad.set(firstEndingAfter(shard, offset), chunks);
      }
      case VANISH -> {
        tier.vanish(at);
        bad.set(0, chunks);
      }
      case STORM -> {
        // every request to the tier fails as unavailable until the next read heals it: the storm
        // lasts exactly one read, so the model stays true while it runs
        tier.unavailable(Integer.MAX_VALUE);
        bad.set(0, chunks);
      }
    }
  }

  /** A random stored offset in the shard; a quarter of them on a chunk boundary. */
  private long offset(ShardEntry shard) {
    if (random.nextInt(4) == 0) {
      return (long) random.nextInt(shard.chunkCount()) * shard.chunkSize();
    }
    return random.nextLong(Math.max(1, shard.storedSize()));
  }

  private static int chunkAt(ShardEntry shard, long offset) {
    return (int) Math.min(offset / shard.chunkSize(), shard.chunkCount() - 1L);
  }

  /** The first chunk whose end lies past {@code offset}: it and all after it reach the fault. */
  private static int firstEndingAfter(ShardEntry shard, long offset) {
    return (int) Math.min(offset / shard.chunkSize(), shard.chunkCount());
  }
}
