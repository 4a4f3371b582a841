package io.btfshybrid.core;

import io.btfshybrid.api.HybridStorageException;
import java.nio.file.Path;

/** A key file (KEK keyset) could not be read or is not what it should be; names the file. */
public class InvalidKeysetException extends HybridStorageException {
  private static final long serialVersionUID = 1L;
  private final transient Path file;

  /** {@code file} was refused; {@code detail} says why (never the file's content). */
  public InvalidKeysetException(Path file, String detail, Throwable cause) {
    super("key file '" + file + "' is not a valid btfs-hybrid KEK keyset: " + detail, cause);
    this.file = file;
  }

  /** The file that was refused. */
  public Path file() {
    return file;
  }
}
