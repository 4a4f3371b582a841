package io.btfshybrid.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Lists the regular files of a source directory as shards, in path order. */
final class SourceTree {
  private SourceTree() {}

  static List<SourceFile> list(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      throw new IllegalArgumentException("source '" + root + "' is not a directory");
    }
    List<SourceFile> out = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
        if (!Files.isRegularFile(p)) {
          continue;
        }
        String relative =
            root.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
        Optional<String> problem = ShardPaths.problem(relative);
        if (problem.isPresent()) {
          throw new IllegalArgumentException("cannot publish '" + p + "': " + problem.get());
        }
        out.add(new SourceFile(p, relative, Files.size(p)));
      }
    }
    out.sort(Comparator.comparing(SourceFile::relative));
    return out;
  }
}
