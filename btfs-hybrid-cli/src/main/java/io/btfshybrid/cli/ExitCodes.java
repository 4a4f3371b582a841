package io.btfshybrid.cli;

import io.btfshybrid.api.AccessDeniedException;
import io.btfshybrid.api.IntegrityException;
import io.btfshybrid.api.KeyUnavailableException;
import io.btfshybrid.api.ManifestRejectedException;
import io.btfshybrid.api.ShardUnavailableException;
import io.btfshybrid.core.InvalidKeysetException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;

/**
 * The exit codes are a contract: 0 ok, 1 other failure, 2 usage or configuration, 3 integrity, 4
 * unavailable, 5 manifest rejected, 6 access denied.
 */
public final class ExitCodes {
  /** Done. */
  public static final int OK = 0;

  /** Any failure not listed below. */
  public static final int FAILURE = 1;

  /** A bad option, argument, configuration file or key file. */
  public static final int USAGE = 2;

  /** Bytes did not match the manifest and no source had good ones. */
  public static final int INTEGRITY = 3;

  /** No source could serve a shard. */
  public static final int UNAVAILABLE = 4;

  /** The manifest was refused (signature, pin, expiry, rollback, malformed). */
  public static final int REJECTED = 5;

  /** A policy or key service refused this principal. */
  public static final int DENIED = 6;

  private ExitCodes() {}

  static int of(Throwable e) {
    Throwable t = unwrap(e);
    if (t instanceof IntegrityException) {
      return INTEGRITY;
    }
    if (t instanceof ShardUnavailableException) {
      return UNAVAILABLE;
    }
    if (t instanceof ManifestRejectedException) {
      return REJECTED;
    }
    if (t instanceof AccessDeniedException || t instanceof KeyUnavailableException) {
      return DENIED;
    }
    if (t instanceof IllegalArgumentException
        || t instanceof ConfigException
        || t instanceof NoSuchFileException
        || t instanceof InvalidKeysetException) {
      return USAGE;
    }
    return FAILURE;
  }

  static String describe(Throwable e) {
    Throwable t = unwrap(e);
    if (t instanceof NoSuchFileException nsf) {
      return "no such file: " + nsf.getFile();
    }
    String message = t.getMessage();
    return message == null ? t.getClass().getSimpleName() : message;
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while (t instanceof UncheckedIOException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
