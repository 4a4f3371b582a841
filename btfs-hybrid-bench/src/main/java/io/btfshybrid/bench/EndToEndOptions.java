package io.btfshybrid.bench;

import com.google.common.base.Splitter;
import java.nio.file.Path;

/**
 * The end-to-end benchmark's command-line options; sizes are configurable so a full run fits the
 * time at hand.
 */
final class EndToEndOptions {
  Path dir;
  int sizeMiB = 512;
  int shards = 8;
  int[] chunkMiB = {1, 4};
  int runs = 5;
  int heapGiB = 2;
  int heapShards = 8;
  int heapChunkMiB = 4;
  String heapXmx = "64m";
  boolean keep;

  static EndToEndOptions parse(String[] args) {
    EndToEndOptions o = new EndToEndOptions();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--keep")) {
        o.keep = true;
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option '" + a + "' needs a value");
      }
      String v = args[++i];
      switch (a) {
        case "--dir" -> o.dir = Path.of(v);
        case "--size-mib" -> o.sizeMiB = positive(a, v);
        case "--shards" -> o.shards = positive(a, v);
        case "--chunk-mib" ->
            o.chunkMiB =
                Splitter.on(',')
                    .trimResults()
                    .splitToStream(v)
                    .mapToInt(s -> positive(a, s))
                    .toArray();
        case "--runs" -> o.runs = positive(a, v);
        case "--heap-gib" -> o.heapGiB = Integer.parseInt(v);
        case "--heap-shards" -> o.heapShards = positive(a, v);
        case "--heap-chunk-mib" -> o.heapChunkMiB = positive(a, v);
        case "--heap-xmx" -> o.heapXmx = v;
        default ->
            throw new IllegalArgumentException(
                "unknown option '"
                    + a
                    + "'; expected --dir, --size-mib, --shards, --chunk-mib, --runs, --heap-gib,"
                    + " --heap-shards, --heap-chunk-mib, --heap-xmx or --keep");
      }
    }
    return o;
  }

  private static int positive(String option, String value) {
    int n;
    try {
      n = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " '" + value + "' is not a number");
    }
    if (n <= 0) {
      throw new IllegalArgumentException(option + " must be positive, was " + value);
    }
    return n;
  }
}
