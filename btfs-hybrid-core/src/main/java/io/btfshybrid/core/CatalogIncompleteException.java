package io.btfshybrid.core;

import io.btfshybrid.api.HybridStorageException;
import java.util.List;

/**
 * An operation that must see every release (garbage collection) could not: a tier could not be
 * listed or a stored document could not be read. Nothing was changed; the causes are attached as
 * suppressed exceptions.
 */
public final class CatalogIncompleteException extends HybridStorageException {
  private static final long serialVersionUID = 1L;

  private CatalogIncompleteException(String message) {
    super(message);
  }

  static CatalogIncompleteException of(List<? extends Exception> causes) {
    CatalogIncompleteException e =
        new CatalogIncompleteException(
            "nothing was removed: the tiers could not all be read ("
                + causes.get(0).getMessage()
                + (causes.size() > 1 ? "; and " + (causes.size() - 1) + " more" : "")
                + ")");
    causes.forEach(e::addSuppressed);
    return e;
  }
}
