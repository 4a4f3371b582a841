package io.btfshybrid.cli;

import com.google.common.base.Splitter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * Paths inside {@code --out} that never go through a symbolic link: every parent is checked to be a
 * real directory inside the destination, files are created as fresh temporary siblings ({@code
 * O_CREAT|O_EXCL}, links not followed) and renamed into place, which replaces a planted link itself
 * and never writes to what it points at.
 */
final class SafePaths {
  static final String PARTIAL_SUFFIX = ".btfs-hybrid-partial";
  private static final SecureRandom RANDOM = new SecureRandom();

  private SafePaths() {}

  /** {@code relative} under {@code root}, creating missing parents; refuses links and escapes. */
  static Path target(Path root, String relative) throws IOException {
    List<String> segments = Splitter.on('/').splitToList(relative);
    Path current = root;
    for (int i = 0; i < segments.size(); i++) {
      String segment = segments.get(i);
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new ConfigException(
            "path '" + Untrusted.escape(relative) + "' would leave the destination " + root);
      }
      current = current.resolve(segment);
      if (i == segments.size() - 1) {
        break;
      }
      if (Files.isSymbolicLink(current)) {
        throw new ConfigException(
            "refusing to write through symbolic link " + current + " inside the destination");
      }
      if (Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
        if (!Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
          throw new ConfigException(current + " is in the way: it is not a directory");
        }
      } else {
        Files.createDirectory(current);
      }
    }
    if (Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
      throw new ConfigException(current + " is a directory; the release has a file there");
    }
    return current;
  }

  /** A new, empty temporary sibling of {@code target}, never an existing file or link. */
  static Path createTemporary(Path target) throws IOException {
    byte[] nonce = new byte[6];
    RANDOM.nextBytes(nonce);
    Path temp =
        target.resolveSibling(
            "." + target.getFileName() + "." + HexFormat.of().formatHex(nonce) + PARTIAL_SUFFIX);
    Files.newByteChannel(
            temp,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS)
        .close();
    return temp;
  }

  /** Whether {@code file} is one of this tool's temporary siblings of {@code target}. */
  static boolean isTemporaryOf(Path file, Path target) {
    String name = file.getFileName().toString();
    return name.startsWith("." + target.getFileName() + ".") && name.endsWith(PARTIAL_SUFFIX);
  }

  /**
   * Renames a complete temporary file over {@code target} (a link there is replaced, not followed).
   */
  static void moveIntoPlace(Path temp, Path target) throws IOException {
    if (Thread.currentThread().isInterrupted()) {
      throw new InterruptedIOException("interrupted before " + target + " was complete");
    }
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Writes {@code bytes} to {@code target} through a temporary sibling. */
  static void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path temp = createTemporary(target);
    try {
      try (SeekableByteChannel ch =
          Files.newByteChannel(temp, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
      }
      moveIntoPlace(temp, target);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
