package io.btfshybrid.core;

import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectInfo;
import io.btfshybrid.api.StorageTier;
import io.btfshybrid.api.TierKind;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * The tiers of one drill run, each behind a switch: a tier that is down refuses every request as a
 * refused connection would. A churn drill flips each switch before each read with its own seeded
 * random sequence (seed and tier id), so the outages depend on nothing but the seed.
 */
final class DrillTiers {
  private final List<Switched> tiers = new ArrayList<>();
  private final List<Random> flips = new ArrayList<>();
  private final double flip;

  DrillTiers(List<StorageTier> real, Optional<String> downTier, long seed, double flip) {
    this.flip = flip;
    for (StorageTier t : real) {
      Switched s = new Switched(t);
      s.down = downTier.isPresent() && downTier.get().equals(t.id());
      tiers.add(s);
      flips.add(new Random(seed ^ ((long) t.id().hashCode() << 32)));
    }
  }

  /** The switched tiers, in the order given. */
  List<StorageTier> tiers() {
    return List.copyOf(tiers);
  }

  /** Before each read: a churn drill flips each tier's state with its probability. */
  void beforeRead() {
    if (flip == 0) {
      return;
    }
    for (int i = 0; i < tiers.size(); i++) {
      if (flips.get(i).nextDouble() < flip) {
        tiers.get(i).down = !tiers.get(i).down;
      }
    }
  }

  /** The ids of the tiers that are down now. */
  List<String> down() {
    return tiers.stream().filter(t -> t.down).map(Switched::id).toList();
  }

  /** A tier that forwards to the real one while up and refuses everything while down. */
  private static final class Switched implements StorageTier {
    private final StorageTier real;
    volatile boolean down;

    Switched(StorageTier real) {
      this.real = real;
    }

    private void check() throws ConnectException {
      if (down) {
        throw new ConnectException("drill: tier '" + real.id() + "' is down (connection refused)");
      }
    }

    @Override
    public String id() {
      return real.id();
    }

    @Override
    public TierKind kind() {
      return real.kind();
    }

    @Override
    public Optional<String> region() {
      return real.region();
    }

    @Override
    public InputStream read(Locator where, long offset, long length) throws IOException {
      check();
      return real.read(where, offset, length);
    }

    @Override
    public Locator write(String key, InputStream bytes, long size) throws IOException {
      throw new IOException("a drill does not write (tier '" + real.id() + "')");
    }

    @Override
    public Optional<ObjectInfo> stat(Locator where) throws IOException {
      check();
      return real.stat(where);
    }

    @Override
    public void delete(Locator where) throws IOException {
      throw new IOException("a drill does not delete (tier '" + real.id() + "')");
    }

    @Override
    public Optional<Locator> locate(String key) {
      return real.locate(key);
    }

    @Override
    public void close() {
      // the real tier belongs to the caller of the drill
    }
  }
}
