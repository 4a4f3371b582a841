package io.btfshybrid.core;

/**
 * A source file the publisher refuses, naming it: a symbolic link leaving the source directory, or
 * a path that is unsafe or not portable (case or Unicode-normalisation twins, bidi controls,
 * Windows device names, {@code :} streams).
 */
public class UnpublishablePathException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** The offending path, relative to the source directory. */
  private final String path;

  /** {@code path} (relative to the source directory) is refused for {@code reason}. */
  public UnpublishablePathException(String path, String reason) {
    super("cannot publish '" + path + "': " + reason);
    this.path = path;
  }

  /** The offending path, relative to the source directory. */
  public String path() {
    return path;
  }
}
