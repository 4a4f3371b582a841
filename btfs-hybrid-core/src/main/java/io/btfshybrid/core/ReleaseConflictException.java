package io.btfshybrid.core;

import io.btfshybrid.api.HybridStorageException;

/** A published dataset@version is immutable: different content under it is refused. */
public class ReleaseConflictException extends HybridStorageException {
  private static final long serialVersionUID = 1L;

  /** A conflict described by {@code message}, which names the release. */
  public ReleaseConflictException(String message) {
    super(message);
  }
}
