package io.btfshybrid.btfs;

import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectNotFoundException;

/**
 * The node could not find the content within the request's timeout: no peer provided it (or the
 * node itself gave up). A kind of {@link ObjectNotFoundException}, so readers move on to the next
 * source.
 */
public class BtfsContentUnavailableException extends ObjectNotFoundException {
  private static final long serialVersionUID = 1L;

  /** The content at {@code locator} could not be found in time; {@code detail} says how. */
  public BtfsContentUnavailableException(Locator locator, String detail) {
    super(locator, "content unavailable: " + detail);
  }
}
