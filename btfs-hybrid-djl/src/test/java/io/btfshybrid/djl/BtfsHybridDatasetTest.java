package io.btfshybrid.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Record;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import io.btfshybrid.api.TierKind;
import io.btfshybrid.core.DatasetClient;
import io.btfshybrid.core.DatasetPublisher;
import io.btfshybrid.core.FileTier;
import io.btfshybrid.core.ManifestSigner;
import io.btfshybrid.core.TrustRoot;
import io.btfshybrid.loader.Loader;
import io.btfshybrid.loader.LoaderIterator;
import io.btfshybrid.loader.LoaderState;
import io.btfshybrid.loader.Sample;
import io.btfshybrid.loader.SampleBatch;
import io.btfshybrid.loader.ShuffleAlgorithm;
import io.btfshybrid.loader.StreamSpec;
import io.btfshybrid.loader.Topology;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DJL dataset over a published JSON-lines release: its sampler yields exactly the loader's
 * batches (order, rank partition, resumption), and a real PyTorch CPU engine trains on it.
 */
class BtfsHybridDatasetTest {
  static final int LINES = 203;

  @TempDir Path tmp;
  final ManifestSigner signer = ManifestSigner.generate();
  FileTier tier;
  String uri;

  @BeforeEach
  void publish() throws IOException {
    Path src = Files.createDirectories(tmp.resolve("src"));
    StringBuilder a = new StringBuilder();
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < LINES; i++) {
      float x = (i % 41) / 20f - 1f; // y = 3x + 1
      (i < 120 ? a : b).append(x).append(',').append(3 * x + 1).append('\n');
    }
    Files.writeString(src.resolve("part-0.jsonl"), a);
    Files.writeString(src.resolve("part-1.jsonl"), b);
    tier = FileTier.builder().id("a").kind(TierKind.REPLICA).root(tmp.resolve("tier")).build();
    uri =
        DatasetPublisher.builder()
            .tiers(List.of(tier))
            .signer(signer)
            .chunkSize(512)
            .build()
            .publish(src, "line", "1")
            .manifestUri()
            .toString();
  }

  DatasetClient client() throws IOException {
    return DatasetClient.builder().tier(tier).trust(TrustRoot.of(signer.publicKeyset())).build();
  }

  Loader loader(DatasetClient client, Topology topology) throws IOException {
    return Loader.builder(client).stream(uri)
        .topology(topology)
        .batchSize(8)
        .shuffle(ShuffleAlgorithm.BLOCK_SPREAD)
        .seed(9)
        .blockSize(16)
        .readThreads(1)
        .build();
  }

  /** The loader's own batches of {@code epoch} (from {@code state} if given), as global indexes. */
  static List<List<Long>> loaderBatches(Loader loader, int epoch, LoaderState state)
      throws IOException {
    List<List<Long>> out = new ArrayList<>();
    try (LoaderIterator it = state == null ? loader.iterator(epoch) : loader.resume(state)) {
      while (it.hasNext()) {
        try (SampleBatch b = it.next()) {
          List<Long> ids = new ArrayList<>();
          for (Sample s : b) {
            ids.add(s.ref().globalIndex());
          }
          out.add(ids);
        }
      }
    }
    return out;
  }

  static List<List<Long>> sampled(BtfsHybridDataset data) {
    List<List<Long>> out = new ArrayList<>();
    Iterator<List<Long>> it = data.loaderSampler().sample(data);
    it.forEachRemaining(out::add);
    return out;
  }

  @Test
  void theSamplerYieldsTheLoadersBatchesForEveryRankAndResumesExactly() throws IOException {
    try (DatasetClient client = client()) {
      Set<Long> union = new HashSet<>();
      int total = 0;
      for (int rank = 0; rank < 3; rank++) {
        try (Loader loader = loader(client, new Topology(rank, 3, 1))) {
          BtfsHybridDataset data = BtfsHybridDataset.builder().setLoader(loader).build();
          assertEquals(LINES, data.size());
          assertEquals(8, data.loaderSampler().getBatchSize());
          for (int epoch = 0; epoch < 2; epoch++) {
            data.loaderSampler().setEpoch(epoch);
            List<List<Long>> mine = sampled(data);
            assertEquals(loaderBatches(loader, epoch, null), mine, "rank " + rank + " " + epoch);
            if (epoch == 0) {
              mine.forEach(union::addAll);
              total += mine.stream().mapToInt(List::size).sum();
            }
          }
        }
      }
      assertEquals(LINES, union.size(), "the ranks cover the epoch");
      assertEquals(216, total, "203 padded to a multiple of the global batch of 24");
      // resume after 3 batches of epoch 1 on one rank: the rest, exactly
      try (Loader loader = loader(client, Topology.single())) {
        LoaderState state;
        try (LoaderIterator it = loader.iterator(1)) {
          for (int i = 0; i < 3; i++) {
            it.next().close();
          }
          state = LoaderState.fromJson(it.state().toJson());
        }
        List<List<Long>> rest = loaderBatches(loader, 1, state);
        BtfsHybridDataset data =
            BtfsHybridDataset.builder().setLoader(loader).optResume(state).build();
        assertEquals(rest, sampled(data));
        assertEquals(loaderBatches(loader, 1, null).subList(3, 26), rest);
        assertEquals(26, sampled(data).size(), "the pass after the resumed one is whole again");
      }
    }
  }

  @Test
  void aLoaderMixingStreamsOrNoLoaderIsRefusedByName() throws IOException {
    assertThrows(IllegalArgumentException.class, () -> BtfsHybridDataset.builder().build());
    try (DatasetClient client = client();
        Loader two =
            Loader.builder(client).stream(StreamSpec.proportion(uri, 0.5)).stream(
                    StreamSpec.proportion(uri, 0.5))
                .build()) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> BtfsHybridDataset.builder().setLoader(two).build());
      assertTrue(e.getMessage().contains("2 streams"), e.getMessage());
    }
  }

  /** x and y of a line "x,y" as a record: data [x], label [y]. */
  static Record line(NDManager manager, Sample s) throws IOException {
    java.nio.ByteBuffer b = s.bytes();
    byte[] text = new byte[b.remaining()];
    b.duplicate().get(text);
    String[] xy = new String(text, StandardCharsets.UTF_8).split(",");
    return new Record(
        new NDList(manager.create(new float[] {Float.parseFloat(xy[0])})),
        new NDList(manager.create(new float[] {Float.parseFloat(xy[1])})));
  }

  @Test
  void aPyTorchCpuEngineTrainsALinearModelOnTheRelease() throws IOException, TranslateException {
    Engine engine = Engine.getEngine("PyTorch");
    assertEquals("PyTorch", engine.getEngineName());
    try (DatasetClient client = client();
        Loader loader = loader(client, Topology.single());
        Model model = Model.newInstance("line", engine.defaultDevice(), "PyTorch")) {
      BtfsHybridDataset data =
          BtfsHybridDataset.builder()
              .setLoader(loader)
              .optRecords(BtfsHybridDatasetTest::line)
              .build();
      model.setBlock(Linear.builder().setUnits(1).build());
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(Loss.l2Loss())
              .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.3f)).build());
      List<Float> losses = new ArrayList<>();
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(8, 1));
        for (int epoch = 0; epoch < 4; epoch++) {
          data.loaderSampler().setEpoch(epoch);
          int batches = 0;
          for (Batch batch : trainer.iterateDataset(data)) {
            try (batch) {
              assertEquals(new Shape(8, 1), batch.getData().head().getShape());
              EasyTrain.trainBatch(trainer, batch);
              trainer.step();
              batches++;
            }
          }
          assertEquals(26, batches, "203 samples padded to 208 in batches of 8");
          losses.add(mse(model, data));
        }
      }
      assertTrue(losses.get(3) < losses.get(0) / 2 || losses.get(3) < 1e-3, "losses " + losses);
      assertTrue(losses.get(3) < 0.05, "the line y = 3x + 1 is learnt: " + losses);
    }
  }

  /** Mean squared error of {@code model} over every sample. */
  static float mse(Model model, BtfsHybridDataset data) throws IOException {
    try (NDManager m = model.getNDManager().newSubManager();
        ai.djl.inference.Predictor<NDList, NDList> p =
            model.newPredictor(new ai.djl.translate.NoopTranslator())) {
      float sum = 0;
      for (long i = 0; i < data.size(); i++) {
        Record r = data.get(m, i);
        NDArray x = r.getData().head().reshape(1, 1);
        float pred = p.predict(new NDList(x)).head().toFloatArray()[0];
        float y = r.getLabels().head().toFloatArray()[0];
        sum += (pred - y) * (pred - y);
      }
      return sum / data.size();
    } catch (TranslateException e) {
      throw new IOException(e);
    }
  }
}
