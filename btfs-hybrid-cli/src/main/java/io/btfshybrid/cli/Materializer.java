package io.btfshybrid.cli;

import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.core.Dataset;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Writes a release's shards as plain files under a directory. The user's files are theirs: a
 * non-empty destination is refused unless {@link Mode#FORCE} (overwrite only the release's own
 * paths) or {@link Mode#RESUME} (keep files that already verify); each file is written as a fresh
 * temporary sibling and renamed into place only when complete and verified, and nothing the run did
 * not create is ever deleted, on failure either.
 */
final class Materializer {
  /** How to treat a destination that already holds files. */
  enum Mode {
    FRESH,
    FORCE,
    RESUME
  }

  /** One file in place and its SHA-256; {@code kept} when a resumed run found it already done. */
  record Written(String path, long size, String sha256, boolean kept) {}

  private final Dataset ds;
  private final Mode mode;
  private final ProgressBar bar;
  private final Interruption interruption;

  Materializer(Dataset ds, Mode mode, ProgressBar bar, Interruption interruption) {
    this.ds = ds;
    this.mode = mode;
    this.bar = bar;
    this.interruption = interruption;
  }

  List<Written> write(Path outDir) throws IOException {
    Path root = prepare(outDir);
    bar.total(ds.shards().stream().mapToLong(ShardEntry::size).sum());
    List<Written> written = new ArrayList<>();
    long bytes = 0;
    try {
      for (ShardEntry shard : ds.shards()) {
        Written w = writeOne(root, shard);
        written.add(w);
        bytes += w.size();
        interruption.progress(
            String.format(
                "%d of %d files (%s) verified in %s; run it again with --resume to continue",
                written.size(), ds.shards().size(), Human.bytes(bytes), outDir));
      }
    } finally {
      bar.finish();
    }
    return written;
  }

  /** The destination's real path, after refusing a non-empty one in {@link Mode#FRESH}. */
  private Path prepare(Path outDir) throws IOException {
    Path root = outDir.toAbsolutePath().normalize();
    if (Files.exists(root) && !Files.isDirectory(root)) {
      throw new ConfigException("--out " + outDir + " exists and is not a directory");
    }
    Files.createDirectories(root);
    root = root.toRealPath();
    if (mode == Mode.FRESH) {
      Optional<String> conflict = firstConflict(root);
      if (conflict.isPresent()) {
        throw new ConfigException(
            "refusing to write into "
                + outDir
                + ": it already holds '"
                + Untrusted.escape(conflict.get())
                + "' (pass --force to overwrite the release's files, or --resume to continue"
                + " an interrupted run)");
      }
    }
    return root;
  }

  /** The first release path already present, else the first entry of a non-empty directory. */
  private Optional<String> firstConflict(Path root) throws IOException {
    for (ShardEntry s : ds.shards()) {
      if (Files.exists(root.resolve(s.path()), LinkOption.NOFOLLOW_LINKS)) {
        return Optional.of(s.path());
      }
    }
    TreeSet<String> entries = new TreeSet<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(root)) {
      dir.forEach(p -> entries.add(p.getFileName().toString()));
    }
    return entries.isEmpty() ? Optional.empty() : Optional.of(entries.first());
  }

  private Written writeOne(Path root, ShardEntry shard) throws IOException {
    Path target = SafePaths.target(root, shard.path());
    if (mode == Mode.RESUME) {
      removeStaleTemporaries(target);
      if (alreadyVerified(target, shard)) {
        bar.advance(shard.size());
        return new Written(shard.path(), shard.size(), shard.sha256(), true);
      }
    }
    Path temp = SafePaths.createTemporary(target);
    interruption.track(temp);
    try {
      MessageDigest md = sha256();
      try (InputStream in = ds.openShard(shard.path());
          OutputStream out =
              Files.newOutputStream(temp, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) {
          if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("interrupted while writing " + target);
          }
          md.update(buf, 0, n);
          out.write(buf, 0, n);
          bar.advance(n);
        }
      }
      SafePaths.moveIntoPlace(temp, target);
      return new Written(shard.path(), shard.size(), HexFormat.of().formatHex(md.digest()), false);
    } finally {
      Files.deleteIfExists(temp);
      interruption.untrack(temp);
    }
  }

  /** A regular file (not a link) of the shard's size and SHA-256. */
  private static boolean alreadyVerified(Path target, ShardEntry shard) throws IOException {
    if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)
        || Files.size(target) != shard.size()) {
      return false;
    }
    MessageDigest md = sha256();
    try (InputStream in =
        Files.newInputStream(target, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest()).equalsIgnoreCase(shard.sha256());
  }

  /** Removes this tool's own temporary siblings of {@code target} left by a killed run. */
  private static void removeStaleTemporaries(Path target) throws IOException {
    try (Stream<Path> siblings = Files.list(target.getParent())) {
      for (Path p : siblings.toList()) {
        if (SafePaths.isTemporaryOf(p, target)
            && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.delete(p);
        }
      }
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
