package io.btfshybrid.core;

import io.btfshybrid.api.IntegrityException;
import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectNotFoundException;
import io.btfshybrid.api.PinnedStorage;
import io.btfshybrid.api.StorageTier;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Checks one copy of one object on one tier, reading every stored byte under the stall deadline and
 * hashing it chunk by chunk (no keys: stored bytes are ciphertext for encrypted releases): OK,
 * MISSING, CORRUPT with the first bad chunk, or UNREACHABLE; on a pinning tier also whether the
 * copy is pinned.
 */
final class CopyCheck {
  private static final int BUFFER = 1 << 20;

  private final StallWatchdog watchdog;

  CopyCheck(StallWatchdog watchdog) {
    this.watchdog = watchdog;
  }

  /** Opens the whole object at {@code where} under the stall deadline. */
  InputStream open(StorageTier tier, Locator where) throws IOException {
    return watchdog.watched(tier.id(), watchdog.open(ChunkSource.of(tier, where), 0, -1));
  }

  /**
   * Where {@code tier} may hold {@code o}: its content key on key-addressed tiers, else the hints
   * for this tier, else (content-addressed tiers) any BTFS hint's content name or the locator its
   * known bytes would get. Empty when nothing can name the copy.
   */
  static List<Locator> locators(StorageTier tier, ReleaseObject o) throws IOException {
    Set<Locator> out = new LinkedHashSet<>(ManifestResolver.locatorsFor(tier, o.key(), o.hints()));
    if (out.isEmpty() && tier instanceof PinnedStorage pinning && o.content().isPresent()) {
      out.add(pinning.locatorOf(o.content().get().read()));
    }
    return new ArrayList<>(out);
  }

  /** The state of {@code o}'s copy on {@code tier}: the first good candidate place wins. */
  ScrubFinding check(StorageTier tier, ReleaseObject o) {
    if (!o.checkable()) {
      return finding(
          o, tier, CopyStatus.MISSING, -1, 0, "no tier holds a verified copy to compare");
    }
    List<Locator> places;
    try {
      places = locators(tier, o);
    } catch (IOException | RuntimeException e) {
      return finding(o, tier, CopyStatus.UNREACHABLE, -1, 0, String.valueOf(e.getMessage()));
    }
    if (places.isEmpty()) {
      return finding(
          o, tier, CopyStatus.MISSING, -1, 0, "no location hint names a copy on this tier");
    }
    ScrubFinding first = null;
    for (Locator where : places) {
      ScrubFinding f = verify(tier, where, o);
      if (f.status() == CopyStatus.OK) {
        return withPin(tier, where, f);
      }
      if (first == null || first.status() == CopyStatus.MISSING) {
        first = f;
      }
    }
    return first;
  }

  /** Reads and hashes the copy at {@code where}. */
  ScrubFinding verify(StorageTier tier, Locator where, ReleaseObject o) {
    ChunkVerifier v = new ChunkVerifier(o);
    try (InputStream in = open(tier, where)) {
      byte[] buf = new byte[(int) Math.min(BUFFER, Math.max(1, o.size() + 1))];
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        if (!v.update(buf, 0, n)) {
          break;
        }
      }
      if (v.complete()) {
        return finding(o, tier, CopyStatus.OK, -1, v.seen(), where.toString());
      }
      return finding(o, tier, CopyStatus.CORRUPT, v.firstBadChunk(), v.seen(), v.problem());
    } catch (ObjectNotFoundException e) {
      return finding(o, tier, CopyStatus.MISSING, -1, 0, "not found at " + where);
    } catch (IntegrityException e) {
      int chunk = (int) Math.min(Math.max(0, o.chunkHashes().size() - 1), v.seen() / o.chunkSize());
      return finding(o, tier, CopyStatus.CORRUPT, chunk, v.seen(), String.valueOf(e.getMessage()));
    } catch (IOException | RuntimeException e) {
      return finding(o, tier, CopyStatus.UNREACHABLE, -1, 0, String.valueOf(e.getMessage()));
    }
  }

  private static ScrubFinding withPin(StorageTier tier, Locator where, ScrubFinding ok) {
    if (!(tier instanceof PinnedStorage pinning)) {
      return ok;
    }
    try {
      boolean pinned = pinning.isPinned(where);
      return new ScrubFinding(
          ok.object(),
          ok.tierId(),
          ok.status(),
          ok.firstBadChunk(),
          Optional.of(pinned),
          ok.bytes(),
          pinned ? ok.detail() : ok.detail() + " (not pinned)");
    } catch (IOException | RuntimeException e) {
      return new ScrubFinding(
          ok.object(),
          ok.tierId(),
          ok.status(),
          ok.firstBadChunk(),
          Optional.empty(),
          ok.bytes(),
          ok.detail() + " (pin status unknown: " + e.getMessage() + ")");
    }
  }

  static ScrubFinding finding(
      ReleaseObject o, StorageTier tier, CopyStatus status, int badChunk, long bytes, String what) {
    return new ScrubFinding(
        o.name(),
        tier.id(),
        status,
        badChunk < 0 ? OptionalInt.empty() : OptionalInt.of(badChunk),
        Optional.empty(),
        bytes,
        what);
  }
}
