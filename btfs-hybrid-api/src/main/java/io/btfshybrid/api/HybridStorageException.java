package io.btfshybrid.api;

import java.io.IOException;

/** The root of every failure btfs-hybrid reports; an {@link IOException} so I/O callers cope. */
public class HybridStorageException extends IOException {
  private static final long serialVersionUID = 1L;

  /** A failure described by {@code message}. */
  public HybridStorageException(String message) {
    super(message);
  }

  /** A failure described by {@code message}, caused by {@code cause}. */
  public HybridStorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
