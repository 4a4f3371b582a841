package io.btfshybrid.loader;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.core.DatasetClient;
import io.btfshybrid.core.DatasetPublisher;
import io.btfshybrid.core.FileTier;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The root README's "Train from it" loop, run: crash mid-epoch, resume, compare. */
class ReadmeTrainLoopTest {
  @TempDir Path tmp;

  /** What {@link #train} saw, in order: key and field sizes. */
  final List<String> trained = new ArrayList<>();

  /** {@link #train} throws once it has seen this many samples (a crash). */
  long crashAfter = Long.MAX_VALUE;

  /** A simulated crash of the training process. */
  static final class Crash extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  void train(String key, Map<String, ByteBuffer> fields) {
    if (trained.size() >= crashAfter) {
      throw new Crash();
    }
    Map<String, Integer> sizes = new TreeMap<>();
    fields.forEach((k, v) -> sizes.put(k, v.remaining()));
    trained.add(key + sizes);
  }

  // --- the README's loop, from "try (Loader loader" to its end ---
  void trainLoop(
      DatasetClient client,
      String uri,
      Path checkpoint,
      int epochs,
      int checkpointEvery,
      Topology topology)
      throws IOException {
    try (Loader loader =
        Loader.builder(client).stream(uri)
            .topology(topology)
            .batchSize(256) // per rank
            .shuffle(ShuffleAlgorithm.BLOCK_SPREAD)
            .seed(17)
            .blockSize(1 << 18)
            .prefetchSamples(2048)
            .prefetchBytes(512L << 20)
            .readThreads(8)
            .build()) {
      LoaderState start =
          Files.exists(checkpoint)
              ? LoaderState.fromJson(Files.readAllBytes(checkpoint))
              : loader.startOf(0);
      long step = 0;
      for (int epoch = start.epoch(); epoch < epochs; epoch++) {
        try (LoaderIterator it =
            epoch == start.epoch() ? loader.resume(start) : loader.iterator(epoch)) {
          while (it.hasNext()) {
            try (SampleBatch batch = it.next()) {
              for (Sample s : batch) {
                train(s.key(), s.fields()); // tar: members by extension ("jpg", "cls", ...)
              }
            }
            // the state is global (the same on every rank): one writer is enough
            if (++step % checkpointEvery == 0 && topology.rank() == 0) {
              Path tmp = checkpoint.resolveSibling(checkpoint.getFileName() + ".tmp");
              Files.write(tmp, it.state().toJson());
              Files.move(
                  tmp,
                  checkpoint,
                  StandardCopyOption.REPLACE_EXISTING,
                  StandardCopyOption.ATOMIC_MOVE);
            }
          }
        }
      }
    }
  }

  // --- end of the README's loop ---

  @Test
  void aCrashedRunResumedFromItsCheckpointEqualsAnUninterruptedOne() throws IOException {
    PublishedFormatsTest formats = new PublishedFormatsTest();
    formats.tmp = tmp;
    Path src = formats.writeSource();
    FileTier tier = formats.tier("a");
    DatasetPublisher publisher = formats.publisher(List.of(tier)).build();
    String uri = publisher.publish(src, "mixed", "1.0.0").manifestUri().toString();
    try (DatasetClient client = formats.client(tier)) {
      trainLoop(client, uri, tmp.resolve("whole.json"), 3, 1, Topology.single());
      List<String> uninterrupted = List.copyOf(trained);
      assertEquals(3 * 512, uninterrupted.size(), "341 samples padded to 2 batches, 3 epochs");

      trained.clear();
      crashAfter = 512 + 300; // in the second batch of epoch 1
      Path checkpoint = tmp.resolve("ckpt.json");
      assertThrows(Crash.class, () -> trainLoop(client, uri, checkpoint, 3, 1, Topology.single()));
      LoaderState saved = LoaderState.fromJson(Files.readAllBytes(checkpoint));
      assertEquals(1, saved.epoch());
      assertEquals(256, saved.globalSamplesConsumed(), "one batch of epoch 1 was checkpointed");
      List<String> beforeCrash = List.copyOf(trained.subList(0, 512 + 256));

      trained.clear();
      crashAfter = Long.MAX_VALUE;
      trainLoop(client, uri, checkpoint, 3, 1, Topology.single());
      List<String> joined = new ArrayList<>(beforeCrash);
      joined.addAll(trained);
      assertEquals(uninterrupted, joined);
    }
  }

  static String readmeBlock() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"));
    int section = readme.indexOf("## Train from it");
    assertTrue(section >= 0, "the README has a 'Train from it' section");
    int start = readme.indexOf("```java\n", section);
    return readme.substring(start, readme.indexOf("\n```\n", start));
  }

  @Test
  void theReadmeShowsTheLoopThisTestRunsAndItsImportsAreRealClasses() throws IOException {
    String block = readmeBlock();
    String loop = block.substring(block.indexOf("try (Loader loader"));
    String source =
        Files.readString(Path.of("src/test/java/io/btfshybrid/loader/ReadmeTrainLoopTest.java"));
    String ran =
        source.substring(
            source.indexOf("    try (Loader loader"),
            source.indexOf("  // --- end of the README's loop ---"));
    // the loop ends with the method's own closing brace: drop it
    ran = ran.substring(0, ran.lastIndexOf('}'));
    assertEquals(loop.replaceAll("\\s+", ""), ran.replaceAll("\\s+", ""));
    List<String> imports =
        block
            .lines()
            .filter(line -> line.startsWith("import "))
            .map(line -> line.substring("import ".length(), line.length() - 1))
            .toList();
    assertFalse(imports.isEmpty());
    for (String name : imports) {
      assertDoesNotThrow(() -> Class.forName(name), name);
    }
  }
}
