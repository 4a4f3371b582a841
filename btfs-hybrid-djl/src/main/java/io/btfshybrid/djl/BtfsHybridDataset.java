package io.btfshybrid.djl;

import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.util.Progress;
import io.btfshybrid.loader.Loader;
import io.btfshybrid.loader.LoaderState;
import io.btfshybrid.loader.SampleDataset;
import java.io.IOException;
import java.util.Objects;

/**
 * A DJL {@link RandomAccessDataset} over the samples of a verified release: {@link #get} is one
 * verified sample read by global index, and the default sampler ({@link LoaderSampler}) walks this
 * rank's share in the {@link Loader}'s order, so a DJL training loop sees exactly the samples, the
 * order and the rank partition the loader would hand out, and resumes from a {@link LoaderState}.
 * The loader stays the caller's (close it after training).
 *
 * <pre>{@code
 * BtfsHybridDataset data = BtfsHybridDataset.builder()
 *     .setLoader(Loader.builder(client).stream(uri).topology(Topology.fromEnv()).batchSize(32).build())
 *     .optRecords((manager, sample) -> new Record(...))
 *     .build();
 * for (Batch b : trainer.iterateDataset(data)) { ... }
 * }</pre>
 */
public final class BtfsHybridDataset extends RandomAccessDataset {
  private final Loader loader;
  private final SampleDataset samples;
  private final SampleRecords records;

  BtfsHybridDataset(Builder b) {
    super(b);
    this.loader = b.loader;
    this.samples = b.loader.samples().get(0);
    this.records = b.records;
  }

  /** A builder in DJL's style: {@code setLoader} is required, the rest optional. */
  public static Builder builder() {
    return new Builder();
  }

  /** The loader whose order and partition the default sampler follows. */
  public Loader loader() {
    return loader;
  }

  /** The sampler, when it is the loader's ({@link LoaderSampler}); to set the epoch or resume. */
  public LoaderSampler loaderSampler() {
    if (sampler instanceof LoaderSampler s) {
      return s;
    }
    throw new IllegalStateException(
        "this dataset samples with " + sampler.getClass().getName() + ", not the loader's order");
  }

  @Override
  public Record get(NDManager manager, long index) throws IOException {
    return records.toRecord(manager, samples.get(index));
  }

  @Override
  protected long availableSize() {
    return samples.size();
  }

  /** Nothing to prepare: the release was opened and verified when the loader was built. */
  @Override
  public void prepare(Progress progress) {
    // indexes are read and verified lazily, shard by shard, on the first sample of each
  }

  /** Configures a {@link BtfsHybridDataset}. */
  public static final class Builder extends BaseBuilder<Builder> {
    private Loader loader;
    private SampleRecords records = SampleRecords.bytes();
    private int epoch;
    private LoaderState resume;

    Builder() {}

    @Override
    protected Builder self() {
      return this;
    }

    /** The loader (one stream) whose release, order and rank partition the dataset uses. */
    public Builder setLoader(Loader value) {
      this.loader = Objects.requireNonNull(value, "loader");
      return this;
    }

    /** How a sample becomes a record (default {@link SampleRecords#bytes()}). */
    public Builder optRecords(SampleRecords value) {
      this.records = Objects.requireNonNull(value, "records");
      return this;
    }

    /** The epoch the loader sampler starts with (default 0). */
    public Builder optEpoch(int value) {
      this.epoch = value;
      return this;
    }

    /** Starts the loader sampler where {@code state} left off. */
    public Builder optResume(LoaderState state) {
      this.resume = Objects.requireNonNull(state, "state");
      return this;
    }

    /**
     * The dataset; without {@code setSampling(..)} it samples with a {@link LoaderSampler}.
     *
     * @throws IllegalArgumentException without a loader, or with one mixing several streams
     */
    public BtfsHybridDataset build() {
      if (loader == null) {
        throw new IllegalArgumentException("no loader: call setLoader(..)");
      }
      int streams = loader.samples().size();
      if (streams != 1) {
        throw new IllegalArgumentException(
            "the loader reads " + streams + " streams; a BtfsHybridDataset reads exactly one");
      }
      if (sampler == null) {
        LoaderSampler s = new LoaderSampler(loader).setEpoch(epoch);
        if (resume != null) {
          s.resume(resume);
        }
        setSampling(s);
      }
      return new BtfsHybridDataset(this);
    }
  }
}
