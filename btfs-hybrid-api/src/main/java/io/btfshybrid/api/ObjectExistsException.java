package io.btfshybrid.api;

/** A conditional write found the key already taken: another writer got there first. */
public class ObjectExistsException extends HybridStorageException {
  private static final long serialVersionUID = 1L;
  private final Locator locator;

  /** The key at {@code locator} already holds an object. */
  public ObjectExistsException(Locator locator) {
    super("object already exists: " + locator);
    this.locator = locator;
  }

  /** Where the existing object is. */
  public Locator locator() {
    return locator;
  }
}
