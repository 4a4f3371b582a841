package io.btfshybrid.loader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.core.DatasetClient;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real releases (publisher + file tiers): order, bytes, resumption, mixing, the window. */
class LoaderTest {
  static final int FILES = 37;

  @TempDir Path tmp;
  Fixtures fx;
  String alpha;
  Map<String, byte[]> alphaFiles;

  @BeforeEach
  void publish() throws IOException {
    fx = new Fixtures(tmp, "mirror");
    alphaFiles = fx.source("alpha", FILES);
    alpha = fx.publish("alpha", FILES);
  }

  Loader.Builder builder(DatasetClient client, Topology topology, int batch) {
    return Loader.builder(client).stream(alpha)
        .topology(topology)
        .batchSize(batch)
        .seed(5)
        .blockSize(8)
        .canonicalPartitions(4)
        .prefetchSamples(16)
        .prefetchBytes(4096)
        .readThreads(2);
  }

  /** "path:key" of each sample, checking its bytes are its file's. */
  List<String> drain(LoaderIterator it, int maxBatches) {
    List<String> out = new ArrayList<>();
    for (int b = 0; b < maxBatches && it.hasNext(); b++) {
      try (SampleBatch batch = it.next()) {
        for (Sample s : batch) {
          out.add(describe(s));
        }
      }
    }
    return out;
  }

  /** "tag:key" of a sample, after checking its bytes and fields are its file's. */
  static String describe(Sample s) {
    try {
      byte[] got = bytes(s.bytes());
      String text = new String(got, StandardCharsets.UTF_8);
      String tag = text.substring(0, text.indexOf("-sample-"));
      int index = Integer.parseInt(s.key().substring(s.key().lastIndexOf('/') + 1));
      byte[] expected = Fixtures.content(tag, index);
      assertArrayEquals(expected, got, s.toString());
      assertArrayEquals(expected, s.openStream().readAllBytes());
      assertArrayEquals(expected, bytes(s.fields().get("bin")));
      assertEquals(expected.length, s.length());
      assertEquals(String.format("d/%04d.bin", index), s.shardPath());
      return tag + ":" + s.key();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  @Test
  void samplesAreTheFilesAndAnEpochCoversEveryOneWithPadding() throws IOException {
    try (DatasetClient client = fx.client();
        Loader loader = builder(client, Topology.single(), 4).build();
        LoaderIterator it = loader.iterator(0)) {
      List<String> epoch = drain(it, Integer.MAX_VALUE);
      assertEquals(40, epoch.size(), "37 padded to a multiple of 4");
      assertEquals(FILES, new HashSet<>(epoch).size());
      assertEquals(epoch.subList(0, 3), epoch.subList(37, 40), "padding repeats the start");
      assertEquals(40, loader.stats().samples());
      assertTrue(loader.stats().bytesByTier().getOrDefault("mirror", 0L) > 0);
      assertFalse(it.hasNext());
    }
  }

  @Test
  void interruptedRunsResumeExactlyAlsoOnAnotherWorldSize() throws IOException {
    List<String> whole;
    byte[] checkpoint;
    List<String> head;
    try (DatasetClient client = fx.client();
        Loader loader = builder(client, Topology.single(), 4).build()) {
      try (LoaderIterator it = loader.iterator(1)) {
        whole = drain(it, Integer.MAX_VALUE);
      }
      try (LoaderIterator it = loader.iterator(1)) {
        head = drain(it, 3);
        checkpoint = it.state().toJson();
      }
    }
    assertEquals(whole.subList(0, 12), head);
    LoaderState state = LoaderState.fromJson(checkpoint);
    assertEquals(1, state.epoch());
    assertEquals(12, state.globalSamplesConsumed());

    // a fresh client and loader, the same world
    try (DatasetClient client = fx.client();
        Loader loader = builder(client, Topology.single(), 4).build();
        LoaderIterator it = loader.resume(state)) {
      List<String> all = new ArrayList<>(head);
      all.addAll(drain(it, Integer.MAX_VALUE));
      assertEquals(whole, all);
    }

    // two ranks of 2 samples: the same global batch of 4, the same sequence
    List<List<String>> ranks = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      try (DatasetClient client = fx.client();
          Loader loader = builder(client, new Topology(r, 2, 2), 2).build();
          LoaderIterator it = loader.resume(state)) {
        ranks.add(drain(it, Integer.MAX_VALUE));
        assertEquals(40, it.state().globalSamplesConsumed());
      }
    }
    assertEquals(ranks.get(0).size(), ranks.get(1).size());
    List<String> merged = new ArrayList<>(head);
    for (int step = 0; step * 2 < ranks.get(0).size(); step++) {
      merged.addAll(ranks.get(0).subList(step * 2, step * 2 + 2));
      merged.addAll(ranks.get(1).subList(step * 2, step * 2 + 2));
    }
    assertEquals(whole, merged);
  }

  @Test
  void resumingAgainstOtherBytesNamesBothManifestHashes() throws IOException {
    String beta = fx.publish("beta", 5);
    LoaderState state;
    String alphaHash;
    try (DatasetClient client = fx.client();
        Loader loader = builder(client, Topology.single(), 4).build();
        LoaderIterator it = loader.iterator(0)) {
      drain(it, 1);
      state = it.state();
      alphaHash = state.manifestHashes().get(0);
    }
    try (DatasetClient client = fx.client();
        Loader loader = Loader.builder(client).stream(beta).batchSize(4).build()) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> loader.resume(state));
      String betaHash = loader.startOf(0).manifestHashes().get(0);
      assertTrue(e.getMessage().contains(alphaHash), e.getMessage());
      assertTrue(e.getMessage().contains(betaHash), e.getMessage());
    }
    try (DatasetClient client = fx.client();
        Loader other = builder(client, Topology.single(), 8).build()) {
      IllegalArgumentException batch =
          assertThrows(IllegalArgumentException.class, () -> other.resume(state));
      assertTrue(
          batch.getMessage().contains("global batch is 4 samples, this loader's is 8"),
          batch.getMessage());
    }
  }

  @Test
  void theNextEpochIsReadAheadAndEqualsAFreshPlan() throws IOException {
    List<String> second;
    try (DatasetClient client = fx.client();
        Loader loader = builder(client, Topology.single(), 4).build()) {
      try (LoaderIterator it = loader.iterator(0)) {
        drain(it, Integer.MAX_VALUE);
      }
      try (LoaderIterator it = loader.iterator(1)) {
        second = drain(it, Integer.MAX_VALUE);
      }
    }
    try (DatasetClient client = fx.client();
        Loader loader = builder(client, Topology.single(), 4).build();
        LoaderIterator it = loader.iterator(1)) {
      assertEquals(drain(it, Integer.MAX_VALUE), second);
    }
  }

  @Test
  void mixedStreamsResumeExactly() throws IOException {
    String beta = fx.publish("beta", 11);
    List<String> whole;
    LoaderState state;
    List<String> head;
    try (DatasetClient client = fx.client();
        Loader loader = mixed(client, beta).build()) {
      try (LoaderIterator it = loader.iterator(2)) {
        whole = drain(it, Integer.MAX_VALUE);
      }
      try (LoaderIterator it = loader.iterator(2)) {
        head = drain(it, 2);
        state = LoaderState.fromJson(it.state().toJson());
      }
    }
    assertEquals(32, whole.size());
    // a third of the 30-sample epoch is beta; 2 of the 32 are padding from the start
    long fromBeta = whole.stream().filter(s -> s.startsWith("beta:")).count();
    assertTrue(fromBeta >= 10 && fromBeta <= 12, fromBeta + " from beta");
    assertEquals(10, whole.subList(0, 30).stream().filter(s -> s.startsWith("beta:")).count());
    try (DatasetClient client = fx.client();
        Loader loader = mixed(client, beta).build();
        LoaderIterator it = loader.resume(state)) {
      List<String> all = new ArrayList<>(head);
      all.addAll(drain(it, Integer.MAX_VALUE));
      assertEquals(whole, all);
    }
  }

  private Loader.Builder mixed(DatasetClient client, String beta) {
    return Loader.builder(client).stream(StreamSpec.proportion(alpha, 2.0 / 3)).stream(
            StreamSpec.proportion(beta, 1.0 / 3))
        .epochSize(30)
        .batchSize(4)
        .seed(3);
  }

  @Test
  void aWindowThatCannotFitTheCacheFailsAtBuildNamingBothNumbers() throws IOException {
    List<Long> sizes = new ArrayList<>();
    alphaFiles.values().forEach(b -> sizes.add((long) b.length));
    sizes.sort(java.util.Comparator.reverseOrder());
    long need = sizes.subList(0, 16).stream().mapToLong(Long::longValue).sum();
    ShardCache tiny = new RecordingCache(need - 1);
    try (DatasetClient client = fx.client()) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () -> builder(client, Topology.single(), 4).cache(tiny).build());
      assertTrue(e.getMessage().contains(need + " bytes"), e.getMessage());
      assertTrue(e.getMessage().contains((need - 1) + " bytes"), e.getMessage());
      RecordingCache enough = new RecordingCache(need);
      try (Loader loader = builder(client, Topology.single(), 4).cache(enough).build();
          LoaderIterator it = loader.iterator(0)) {
        drain(it, Integer.MAX_VALUE);
        assertTrue(enough.maxPinned <= 16, "pinned at most the window: " + enough.maxPinned);
        assertTrue(enough.maxPinned > 0);
      }
      assertEquals(0, enough.pinned.size(), "every pin released");
    }
  }

  /** A cache that records pins. */
  static final class RecordingCache implements ShardCache {
    final long budget;
    final Set<String> pinned = new HashSet<>();
    int maxPinned;

    RecordingCache(long budget) {
      this.budget = budget;
    }

    @Override
    public long budgetBytes() {
      return budget;
    }

    @Override
    public synchronized void pin(ShardEntry shard) {
      assertTrue(pinned.add(shard.path()), "pinned twice: " + shard.path());
      maxPinned = Math.max(maxPinned, pinned.size());
    }

    @Override
    public synchronized void unpin(ShardEntry shard) {
      assertTrue(pinned.remove(shard.path()), "unpinned but not pinned: " + shard.path());
    }
  }
}
