package io.btfshybrid.core;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Reads a file line by line as bytes, bounded: a line longer than the bound reads as empty. */
final class AuditLines implements Closeable {
  private final InputStream in;
  private final int maxLineBytes;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private boolean done;
  private long offset;
  private long lineStart;
  private boolean unterminated;

  AuditLines(Path file, int maxLineBytes) throws IOException {
    this.in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    this.maxLineBytes = maxLineBytes;
  }

  /**
   * The next line without its newline: null at the end of the file, {@code Optional.empty()} for a
   * line over the bound.
   */
  Optional<byte[]> next() throws IOException {
    if (done) {
      return null;
    }
    line.reset();
    lineStart = offset;
    boolean tooLong = false;
    int b;
    while ((b = in.read()) != -1) {
      offset++;
      if (b == '\n') {
        return tooLong ? Optional.empty() : Optional.of(line.toByteArray());
      }
      if (!tooLong) {
        line.write(b);
        if (line.size() > maxLineBytes) {
          tooLong = true;
          line.reset();
        }
      }
    }
    done = true;
    if (line.size() == 0 && !tooLong) {
      return null;
    }
    unterminated = true;
    return tooLong ? Optional.empty() : Optional.of(line.toByteArray());
  }

  /** Whether the line last returned ended at the end of the file without a newline (torn). */
  boolean unterminated() {
    return unterminated;
  }

  /** Byte offset in the file of the line last returned. */
  long lineStart() {
    return lineStart;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
