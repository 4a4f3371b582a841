package io.btfshybrid.cli;

import io.btfshybrid.api.AccessDeniedException;
import io.btfshybrid.api.IntegrityException;
import io.btfshybrid.api.KeyUnavailableException;
import io.btfshybrid.api.ManifestRejectedException;
import io.btfshybrid.api.ObjectExistsException;
import io.btfshybrid.api.ShardUnavailableException;
import io.btfshybrid.core.InvalidKeysetException;
import io.btfshybrid.core.ReleaseConflictException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;

/**
 * The exit codes are a contract: 0 ok, 1 other failure, 2 usage or configuration, 3 integrity, 4
 * unavailable, 5 manifest rejected, 6 access denied, 7 release conflict, 130 interrupted.
 */
public final class ExitCodes {
  /** Done. */
  public static final int OK = 0;

  /** Any failure not listed below. */
  public static final int FAILURE = 1;

  /** A bad option, argument, configuration file, key file or missing credentials. */
  public static final int USAGE = 2;

  /** Bytes did not match the manifest and no source had good ones. */
  public static final int INTEGRITY = 3;

  /** No source could serve a shard. */
  public static final int UNAVAILABLE = 4;

  /** The manifest was refused (signature, pin, expiry, rollback, malformed). */
  public static final int REJECTED = 5;

  /** A policy, key service or storage service (S3 403) refused this principal. */
  public static final int DENIED = 6;

  /** The release (or an object of it) already exists with different content. */
  public static final int CONFLICT = 7;

  /** Stopped by Ctrl-C (SIGINT); temporary files were removed. */
  public static final int INTERRUPTED = 130;

  private ExitCodes() {}

  static int of(Throwable e) {
    Throwable t = unwrap(e);
    if (t instanceof InterruptedIOException || t instanceof ClosedByInterruptException) {
      return INTERRUPTED;
    }
    if (t instanceof IntegrityException) {
      return INTEGRITY;
    }
    if (t instanceof ReleaseConflictException || t instanceof ObjectExistsException) {
      return CONFLICT;
    }
    if (t instanceof io.btfshybrid.core.CatalogIncompleteException) {
      return UNAVAILABLE;
    }
    if (t instanceof ShardUnavailableException) {
      boolean denied = Arrays.stream(t.getSuppressed()).anyMatch(ExitCodes::isDenied);
      return denied ? DENIED : UNAVAILABLE;
    }
    if (t instanceof ManifestRejectedException) {
      return REJECTED;
    }
    if (isDenied(t) || t instanceof KeyUnavailableException) {
      return DENIED;
    }
    if (t instanceof IllegalArgumentException
        || t instanceof ConfigException
        || t instanceof NoSuchFileException
        || t instanceof FileAlreadyExistsException
        || t instanceof InvalidKeysetException
        || t instanceof io.btfshybrid.s3.S3CredentialsException) {
      return USAGE;
    }
    return FAILURE;
  }

  /** An access refusal anywhere in the cause chain: policy, key service or an S3 403. */
  static boolean isDenied(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof AccessDeniedException
          || t instanceof io.btfshybrid.s3.S3AccessDeniedException) {
        return true;
      }
    }
    return false;
  }

  static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while (t instanceof UncheckedIOException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
