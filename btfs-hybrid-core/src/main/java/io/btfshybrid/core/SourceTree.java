package io.btfshybrid.core;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Lists the regular files of a source directory as shards, in path order. Files are read as files:
 * a symbolic link whose target lies outside the directory is refused naming the link (unless links
 * are followed on purpose), and paths that are unsafe or would collide on another platform are
 * refused naming the path.
 */
final class SourceTree {
  private SourceTree() {}

  static List<SourceFile> list(Path sourceDir, boolean followLinks) throws IOException {
    if (!Files.isDirectory(sourceDir)) {
      throw new IllegalArgumentException("source '" + sourceDir + "' is not a directory");
    }
    Path root = sourceDir.toRealPath();
    FileVisitOption[] options =
        followLinks ? new FileVisitOption[] {FileVisitOption.FOLLOW_LINKS} : new FileVisitOption[0];
    List<SourceFile> out = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root, options)) {
      for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
        String relative =
            root.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
        if (!isPublishable(root, p, relative, followLinks)) {
          continue;
        }
        Optional<String> problem =
            ShardPaths.problem(relative).or(() -> ShardPaths.portabilityProblem(relative));
        if (problem.isPresent()) {
          throw new UnpublishablePathException(relative, problem.get());
        }
        out.add(new SourceFile(p, relative, Files.size(p)));
      }
    }
    out.sort(Comparator.comparing(SourceFile::relative));
    ShardPaths.collision(out.stream().map(SourceFile::relative).toList())
        .ifPresent(
            c -> {
              throw new UnpublishablePathException(c.get(1), c.get(2));
            });
    return out;
  }

  /**
   * Whether {@code p} is a regular file to publish. A link is followed only when its target stays
   * inside {@code root} (or {@code followLinks}); a link to a directory is not descended.
   */
  private static boolean isPublishable(Path root, Path p, String relative, boolean followLinks)
      throws IOException {
    BasicFileAttributes attrs =
        Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!attrs.isSymbolicLink()) {
      return attrs.isRegularFile();
    }
    if (followLinks) {
      return Files.isRegularFile(p);
    }
    Path target;
    try {
      target = p.toRealPath();
    } catch (IOException e) {
      throw new UnpublishablePathException(
          relative, "'" + p + "' is a symbolic link whose target cannot be resolved (" + e + ")");
    }
    if (!target.startsWith(root)) {
      throw new UnpublishablePathException(
          relative,
          "'"
              + p
              + "' is a symbolic link to '"
              + target
              + "', outside the source directory; remove it or publish with followLinks(true)");
    }
    return Files.isRegularFile(target);
  }
}
