package io.btfshybrid.core;

import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectExistsException;
import io.btfshybrid.api.StorageTier;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes one verified copy of an object on a tier, for repair and restore: a signed document from
 * its verified bytes, a blob streamed from the first source whose bytes verify on the way through;
 * under the object's content key, created only where nothing is stored unless replacing bytes that
 * did not verify; and read back and verified before it counts.
 */
final class CopyWriter {
  private static final Logger LOG = LoggerFactory.getLogger(CopyWriter.class);

  private final CopyCheck check;

  CopyWriter(CopyCheck check) {
    this.check = check;
  }

  /** A copy that verified on its tier: where, from which source, how many bytes. */
  record Made(Locator where, String fromTierId, long bytes) {}

  /**
   * Writes {@code o} to {@code target} from the first of {@code sources} that serves verified bytes
   * ({@code replace}: over what the key holds; else only where it is free), then verifies it there.
   *
   * @throws IOException naming the object and tier when no source produced a verified copy
   */
  Made copy(ReleaseObject o, List<StorageTier> sources, StorageTier target, boolean replace)
      throws IOException {
    List<IOException> failures = new ArrayList<>();
    if (o.content().isPresent()) {
      // a signed document is written from its verified bytes, equal to the sources' copies
      String from = sources.isEmpty() ? "verified bytes" : sources.get(0).id();
      return written(o, target, replace, from, () -> o.content().get().openStream());
    }
    for (StorageTier source : sources) {
      for (Locator from : CopyCheck.locators(source, o)) {
        try {
          return written(
              o,
              target,
              replace,
              source.id(),
              () -> new VerifyingCopyStream(check.open(source, from), o, source.id()));
        } catch (IOException e) {
          LOG.debug(
              "copying {} from {} to {} failed: {}", o.name(), from, target.id(), e.toString());
          failures.add(e);
        }
      }
    }
    IOException e =
        new IOException(
            "no verified source could copy "
                + o.name()
                + " to tier '"
                + target.id()
                + "'"
                + (failures.isEmpty() ? "" : ": " + failures.get(0).getMessage()));
    failures.forEach(e::addSuppressed);
    throw e;
  }

  /** Opens the bytes to write. */
  @FunctionalInterface
  private interface Opener {
    InputStream open() throws IOException;
  }

  private Made written(
      ReleaseObject o, StorageTier target, boolean replace, String fromId, Opener bytes)
      throws IOException {
    Locator where;
    try (InputStream in = bytes.open()) {
      where =
          replace || o.kind() == ReleaseObject.Kind.POINTER
              ? target.write(o.key(), in, o.size())
              : target.writeNew(o.key(), in, o.size());
    } catch (ObjectExistsException e) {
      where = e.locator(); // written meanwhile: it counts if it verifies
    }
    ScrubFinding after = check.verify(target, where, o);
    if (after.status() != CopyStatus.OK) {
      throw new IOException(
          o.name() + " written to " + where + " does not verify: " + after.detail());
    }
    return new Made(where, fromId, o.size());
  }
}
