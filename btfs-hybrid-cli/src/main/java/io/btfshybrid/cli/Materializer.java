package io.btfshybrid.cli;

import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.core.Dataset;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes a release's shards as plain files under a directory: each file is written to a temporary
 * name and renamed only when complete and verified, and a failed run removes what it wrote.
 */
final class Materializer {
  private Materializer() {}

  /** One written file and its SHA-256. */
  record Written(String path, long size, String sha256) {}

  static List<Written> write(Dataset ds, Path outDir) throws IOException {
    Path root = outDir.toAbsolutePath().normalize();
    Files.createDirectories(root);
    List<Path> done = new ArrayList<>();
    List<Written> written = new ArrayList<>();
    try {
      for (ShardEntry shard : ds.shards()) {
        Path target = root.resolve(shard.path()).normalize();
        if (!target.startsWith(root)) {
          throw new IllegalArgumentException("shard path '" + shard.path() + "' escapes " + root);
        }
        Files.createDirectories(target.getParent());
        Path temp = target.resolveSibling("." + target.getFileName() + ".partial");
        MessageDigest md = sha256();
        try (InputStream in = ds.openShard(shard.path());
            OutputStream out = Files.newOutputStream(temp)) {
          byte[] buf = new byte[1 << 16];
          for (int n; (n = in.read(buf)) > 0; ) {
            md.update(buf, 0, n);
            out.write(buf, 0, n);
          }
        } catch (IOException | RuntimeException e) {
          Files.deleteIfExists(temp);
          throw e;
        }
        Files.move(
            temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        done.add(target);
        written.add(new Written(shard.path(), shard.size(), HexFormat.of().formatHex(md.digest())));
      }
      return written;
    } catch (IOException | RuntimeException e) {
      for (Path p : done) {
        Files.deleteIfExists(p);
      }
      throw e;
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new UncheckedIOException(new IOException(e));
    }
  }
}
