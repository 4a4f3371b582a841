package io.btfshybrid.loader;

import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.core.Dataset;
import io.btfshybrid.core.DatasetClient;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Reads this rank's share of one or more releases as batches of samples, in an order that is a pure
 * function of the manifests, seed, epoch, canonical partitions, global batch, algorithm and block
 * size; resumes exactly from a {@link LoaderState}. Samples are read ahead on a bounded pool with a
 * hard byte bound; loader threads share one client. Built by {@link #builder}.
 */
public final class Loader implements AutoCloseable {
  /** The default number of canonical partitions (a constant, not the world size). */
  public static final int DEFAULT_CANONICAL_PARTITIONS = 64;

  /** The default bound on requests to the tiers in flight ({@link Builder#ioConcurrency}). */
  public static final int DEFAULT_IO_CONCURRENCY = 32;

  private final Streams streams;
  private final List<Dataset> owned;
  private final long[] perEpoch;
  private final LoaderState template;
  private final Topology topology;
  private final int batchSize;
  private final int prefetchSamples;
  private final long prefetchBytes;
  private final ShardCache cache;
  private final LoaderPools pools;
  private final LoaderMetrics metrics;
  private Handoff handoff;
  private boolean closed;

  private record Handoff(int epoch, LoaderState template, Prefetcher prefetch) {}

  Loader(Builder b, List<SampleDataset> datasets, List<Dataset> owned, long[] perEpoch) {
    this.streams = new Streams(datasets);
    this.owned = List.copyOf(owned);
    this.perEpoch = perEpoch.clone();
    this.topology = b.topology;
    this.batchSize = b.batchSize;
    this.prefetchSamples = b.prefetchSamples;
    this.prefetchBytes = b.prefetchBytes;
    this.cache = b.cache;
    List<String> hashes = new ArrayList<>();
    List<Long> counts = new ArrayList<>();
    for (int i = 0; i < datasets.size(); i++) {
      hashes.add(datasets.get(i).manifestHash());
      counts.add(perEpoch[i]);
    }
    this.template =
        new LoaderState(
            LoaderState.FORMAT_VERSION,
            0,
            0,
            b.seed,
            hashes,
            counts,
            b.canonicalPartitions,
            b.batchSize * topology.worldSize(),
            b.shuffle,
            ShuffleAlgorithm.VERSION,
            b.blockSize,
            b.dropLast);
    this.metrics = new LoaderMetrics(b.client);
    this.pools = LoaderPools.of(b.readThreads, b.ioConcurrency);
  }

  /** A builder reading through {@code client} (its tiers, fallback, cache and verification). */
  public static Builder builder(io.btfshybrid.core.DatasetClient client) {
    return new Builder(client);
  }

  /** This rank's plan of {@code epoch}. */
  public EpochPlan plan(int epoch) {
    return plan(epoch, template);
  }

  private RankPlan plan(int epoch, LoaderState t) {
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch " + epoch + " is negative");
    }
    OrderSpec spec = new OrderSpec(t.algorithm(), t.seed(), t.canonicalPartitions(), t.blockSize());
    return new RankPlan(
        new EpochOrder(streams.spaces(), perEpoch, spec, epoch),
        epoch,
        topology,
        batchSize,
        t.dropLast());
  }

  /** This rank's batches of {@code epoch} from its start. */
  public LoaderIterator iterator(int epoch) throws IOException {
    return open(epoch, 0, template);
  }

  /**
   * Continues where {@code state} left off, with the order inputs it records (seed, partitions,
   * algorithm, block size). The world size may differ if the global batch is the same.
   */
  public LoaderIterator resume(LoaderState state) throws IOException {
    if (!state.manifestHashes().equals(template.manifestHashes())) {
      throw new IllegalArgumentException(
          "the loader state was taken over manifests "
              + state.manifestHashes()
              + " but this loader reads "
              + template.manifestHashes());
    }
    if (state.algorithmVersion() != ShuffleAlgorithm.VERSION) {
      throw new IllegalArgumentException(
          "the loader state's order is algorithm version "
              + state.algorithmVersion()
              + ", this loader implements version "
              + ShuffleAlgorithm.VERSION);
    }
    if (state.globalBatchSize() != template.globalBatchSize()) {
      throw new IllegalArgumentException(
          "the loader state's global batch is "
              + state.globalBatchSize()
              + " samples, this loader's is "
              + template.globalBatchSize()
              + " ("
              + batchSize
              + " x "
              + topology.worldSize()
              + " ranks)");
    }
    if (!state.samplesPerEpoch().equals(template.samplesPerEpoch())) {
      throw new IllegalArgumentException(
          "the loader state takes "
              + state.samplesPerEpoch()
              + " samples per epoch of its streams, this loader "
              + template.samplesPerEpoch());
    }
    return open(state.epoch(), state.globalSamplesConsumed(), state.at(0, 0));
  }

  private synchronized LoaderIterator open(int epoch, long consumed, LoaderState t)
      throws IOException {
    if (closed) {
      throw new IOException("the loader is closed");
    }
    RankPlan plan = plan(epoch, t);
    if (consumed % plan.globalBatch() != 0 || consumed > plan.globalSamples()) {
      throw new IllegalArgumentException(
          "position "
              + consumed
              + " is not a global batch boundary of epoch "
              + epoch
              + " ("
              + plan.globalSamples()
              + " samples in batches of "
              + plan.globalBatch()
              + ")");
    }
    metrics.iteratorOpened();
    Prefetcher prefetch = null;
    Handoff h = handoff;
    handoff = null;
    if (h != null && h.epoch() == epoch && consumed == 0 && h.template().equals(t)) {
      prefetch = h.prefetch();
    } else if (h != null) {
      h.prefetch().close();
    }
    if (prefetch == null) {
      prefetch =
          new Prefetcher(
              new Prefetcher.Reads(streams, pools, cache, metrics), prefetchSamples, prefetchBytes);
      prefetch.append(() -> plan.rankOrder(consumed));
    }
    // the next epoch is planned ahead: the prefetch runs on into it at this epoch's end
    prefetch.append(() -> plan(epoch + 1, t).rankOrder(0));
    prefetch.fill();
    return new BatchIterator(this, plan, t, consumed, prefetch, batchSize);
  }

  synchronized void handOff(int epoch, LoaderState t, Prefetcher prefetch) {
    if (handoff != null) {
      handoff.prefetch().close();
    }
    if (closed) {
      prefetch.close();
      return;
    }
    handoff = new Handoff(epoch, t.at(0, 0), prefetch);
  }

  LoaderMetrics metrics() {
    return metrics;
  }

  /** Samples per batch on this rank. */
  public int batchSize() {
    return batchSize;
  }

  /** This process's rank and the world size. */
  public Topology topology() {
    return topology;
  }

  /** The releases read, as sample datasets in stream order (for random access by adapters). */
  public List<SampleDataset> samples() {
    return streams.datasets();
  }

  /** Samples and bytes delivered, bytes per tier, cache hits, integrity failures, stalls. */
  public LoaderStats stats() {
    return metrics.snapshot();
  }

  /** The state at the start of {@code epoch}, as a checkpoint before any batch would hold it. */
  public LoaderState startOf(int epoch) {
    return template.at(epoch, 0);
  }

  /** The worst case of pinned bytes a window of {@code samples} samples can need. */
  static long windowBytes(List<SampleDataset> datasets, int samples) {
    List<Long> sizes = new ArrayList<>();
    for (SampleDataset d : datasets) {
      for (ShardEntry s : d.shards()) {
        sizes.add(s.storedSize());
      }
    }
    sizes.sort(java.util.Comparator.reverseOrder());
    long total = 0;
    for (int i = 0; i < Math.min(samples, sizes.size()); i++) {
      total += sizes.get(i);
    }
    return total;
  }

  /** Stops the reads, drops what is prefetched and closes the releases this loader opened. */
  @Override
  public synchronized void close() {
    closed = true;
    if (handoff != null) {
      handoff.prefetch().close();
      handoff = null;
    }
    pools.shutdownNow();
    for (Dataset d : owned) {
      d.close();
    }
  }

  /** Configures a {@link Loader}; {@link #build()} opens the releases and checks the window. */
  public static final class Builder {
    private final DatasetClient client;
    private final List<StreamSpec> streams = new ArrayList<>();
    private long epochSize = -1;
    private Topology topology = Topology.single();
    private int batchSize = 1;
    private ShuffleAlgorithm shuffle = ShuffleAlgorithm.BLOCK_SPREAD;
    private long seed;
    private int blockSize = 1 << 18;
    private int canonicalPartitions = DEFAULT_CANONICAL_PARTITIONS;
    private boolean dropLast;
    private int prefetchSamples = 2048;
    private long prefetchBytes = 512L << 20;
    private int readThreads = 4;
    private int ioConcurrency = DEFAULT_IO_CONCURRENCY;
    private ShardCache cache;
    private Function<Dataset, IndexBlobReader> indexReader = IndexBlobReader::tiers;

    Builder(DatasetClient client) {
      this.client = java.util.Objects.requireNonNull(client, "client");
    }

    /** Reads every sample of the release at {@code manifestUri} once per epoch. */
    public Builder stream(String manifestUri) {
      return stream(StreamSpec.of(manifestUri));
    }

    /** Adds a release, weighted; several streams are mixed in one order. */
    public Builder stream(StreamSpec spec) {
      streams.add(java.util.Objects.requireNonNull(spec, "spec"));
      return this;
    }

    /** The epoch size proportions are of (default: the sum of all streams' sizes). */
    public Builder epochSize(long samples) {
      this.epochSize = positive(samples, "epoch size");
      return this;
    }

    /** This process's rank and the world size (default {@link Topology#single()}). */
    public Builder topology(Topology t) {
      this.topology = java.util.Objects.requireNonNull(t, "topology");
      return this;
    }

    /** Samples per batch on this rank (default 1); the global batch is this times the world. */
    public Builder batchSize(int samples) {
      this.batchSize = (int) positive(samples, "batch size");
      return this;
    }

    /** The shuffle (default {@link ShuffleAlgorithm#BLOCK_SPREAD}). */
    public Builder shuffle(ShuffleAlgorithm algorithm) {
      this.shuffle = java.util.Objects.requireNonNull(algorithm, "algorithm");
      return this;
    }

    /** The seed of the order (default 0). */
    public Builder seed(long value) {
      this.seed = value;
      return this;
    }

    /** The block or window size of {@code BLOCK} and {@code BLOCK_SPREAD} (default 2^18). */
    public Builder blockSize(int samples) {
      this.blockSize = (int) positive(samples, "block size");
      return this;
    }

    /** The canonical partitions of the order (default 64, kept in the state). */
    public Builder canonicalPartitions(int partitions) {
      this.canonicalPartitions = (int) positive(partitions, "canonical partitions");
      return this;
    }

    /** Truncate each epoch to a multiple of the global batch instead of padding it. */
    public Builder dropLast(boolean drop) {
      this.dropLast = drop;
      return this;
    }

    /** How many samples the prefetch reads ahead at most (default 2048). */
    public Builder prefetchSamples(int samples) {
      this.prefetchSamples = (int) positive(samples, "prefetch samples");
      return this;
    }

    /** How many bytes read ahead and not yet handed out at most (default 512 MiB). */
    public Builder prefetchBytes(long bytes) {
      this.prefetchBytes = positive(bytes, "prefetch bytes");
      return this;
    }

    /** Threads cutting and verifying samples from pinned local copies (default 4). */
    public Builder readThreads(int threads) {
      this.readThreads = (int) positive(threads, "read threads");
      return this;
    }

    /**
     * Requests to the tiers in flight at most (sample range reads and index blobs; default {@value
     * Loader#DEFAULT_IO_CONCURRENCY}), independent of the read threads and still bounded by the
     * prefetch window; with a {@link ShardCache}, a quarter of it (1 to 8) more whole-shard
     * fetches.
     */
    public Builder ioConcurrency(int requests) {
      this.ioConcurrency = (int) positive(requests, "I/O concurrency");
      return this;
    }

    /**
     * The disk cache the prefetch window pins its shards in (default: none, memory only); {@link
     * ShardCache#of(DatasetClient)} is the client's own disk cache, read from once pinned.
     */
    public Builder cache(ShardCache shardCache) {
      this.cache = shardCache;
      return this;
    }

    /** How index blobs are fetched (default {@link IndexBlobReader#tiers}). */
    public Builder indexReader(Function<Dataset, IndexBlobReader> reader) {
      this.indexReader = java.util.Objects.requireNonNull(reader, "reader");
      return this;
    }

    private static long positive(long v, String what) {
      if (v <= 0) {
        throw new IllegalArgumentException(what + " must be positive, not " + v);
      }
      return v;
    }

    /**
     * Opens the releases and plans the order. Throws {@link IllegalStateException} naming both
     * numbers when the shards the prefetch window may pin cannot fit the cache budget.
     */
    public Loader build() throws IOException {
      if (streams.isEmpty()) {
        throw new IllegalStateException("no stream to read: call stream(...)");
      }
      List<Dataset> opened = new ArrayList<>();
      List<SampleDataset> datasets = new ArrayList<>();
      try {
        for (StreamSpec s : streams) {
          Dataset d = client.open(URI.create(s.manifestUri()));
          opened.add(d);
          if (cache instanceof ClientShardCache pinned) {
            pinned.register(client, d);
            datasets.add(SampleDataset.open(d, indexReader.apply(d), ShardBytes.pinned(d, pinned)));
          } else {
            datasets.add(SampleDataset.open(d, indexReader.apply(d)));
          }
        }
        long base = epochSize;
        if (base < 0) {
          base = datasets.stream().mapToLong(SampleDataset::size).sum();
        }
        long[] perEpoch = new long[datasets.size()];
        for (int i = 0; i < perEpoch.length; i++) {
          perEpoch[i] = streams.get(i).weight().samplesPerEpoch(datasets.get(i).size(), base);
        }
        if (cache != null) {
          long need = windowBytes(datasets, prefetchSamples);
          if (need > cache.budgetBytes()) {
            throw new IllegalStateException(
                "the prefetch window of "
                    + prefetchSamples
                    + " samples may pin "
                    + need
                    + " bytes of shards, more than the cache budget of "
                    + cache.budgetBytes()
                    + " bytes");
          }
        }
        return new Loader(this, datasets, opened, perEpoch);
      } catch (IOException | RuntimeException e) {
        opened.forEach(Dataset::close);
        throw e;
      }
    }
  }
}
