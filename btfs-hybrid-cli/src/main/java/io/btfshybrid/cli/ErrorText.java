package io.btfshybrid.cli;

import io.btfshybrid.api.ObjectNotFoundException;
import java.io.FileNotFoundException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;

/**
 * One line on stderr for a failure: what failed, and for a shard or manifest no tier could serve,
 * each tier's answer (not found, access denied, connection refused, timed out); never a bare path,
 * and never raw control characters from a tier or a manifest.
 */
final class ErrorText {
  private ErrorText() {}

  static String describe(Throwable e) {
    Throwable t = ExitCodes.unwrap(e);
    StringBuilder line = new StringBuilder(message(t));
    List<String> tried = new ArrayList<>();
    for (Throwable s : t.getSuppressed()) {
      tried.add(cause(s) + " (" + message(s) + ")");
    }
    if (!tried.isEmpty()) {
      line.append("; tried: ").append(String.join("; ", tried));
    }
    return Untrusted.escape(line.toString());
  }

  /**
   * The exception's own message, with file-system exceptions saying what is wrong with the path.
   */
  static String message(Throwable t) {
    if (t instanceof NoSuchFileException nsf) {
      return "no such file: " + nsf.getFile();
    }
    if (t instanceof java.nio.file.AccessDeniedException ad) {
      return "permission denied: " + ad.getFile();
    }
    if (t instanceof java.nio.file.FileAlreadyExistsException fe) {
      return "already exists: " + fe.getFile();
    }
    if (t instanceof java.nio.file.NotDirectoryException nd) {
      return "not a directory: " + nd.getFile();
    }
    if (t instanceof FileSystemException fs && fs.getReason() != null) {
      return fs.getReason() + ": " + fs.getFile();
    }
    String message = t.getMessage();
    if (message == null || message.isBlank()) {
      return cause(t);
    }
    return message;
  }

  /** What a tier answered, in the words an operator searches for. */
  static String cause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (ExitCodes.isDenied(t) || t instanceof java.nio.file.AccessDeniedException) {
        return "access denied";
      }
      if (t instanceof ObjectNotFoundException
          || t instanceof NoSuchFileException
          || t instanceof FileNotFoundException) {
        return "not found";
      }
      if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
        return "connection refused";
      }
      if (t instanceof SocketTimeoutException
          || t instanceof HttpTimeoutException
          || (t instanceof InterruptedIOException
              && t.getMessage() != null
              && t.getMessage().contains("timed out"))) {
        return "timed out";
      }
      if (t instanceof UnknownHostException) {
        return "unknown host";
      }
      if (t instanceof io.btfshybrid.api.IntegrityException) {
        return "bad bytes";
      }
    }
    return e.getClass().getSimpleName();
  }
}
