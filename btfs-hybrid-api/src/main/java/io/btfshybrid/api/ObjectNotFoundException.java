package io.btfshybrid.api;

/** A tier does not hold the object asked for (a 404, a missing file, unpinned content). */
public class ObjectNotFoundException extends HybridStorageException {
  private static final long serialVersionUID = 1L;
  private final Locator locator;

  /** Nothing is stored at {@code locator}. */
  public ObjectNotFoundException(Locator locator) {
    super("object not found: " + locator);
    this.locator = locator;
  }

  /** Nothing is stored at {@code locator}; {@code detail} says more. */
  public ObjectNotFoundException(Locator locator, String detail) {
    super("object not found: " + locator + ": " + detail);
    this.locator = locator;
  }

  /** Where the object was looked for. */
  public Locator locator() {
    return locator;
  }
}
