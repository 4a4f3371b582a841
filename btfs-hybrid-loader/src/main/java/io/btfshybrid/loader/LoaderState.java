package io.btfshybrid.loader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Where a run is, for every rank at once: the epoch, how many samples of its padded global sequence
 * all ranks consumed, and every input of the order (seed, manifest hashes, samples per epoch of
 * each stream, canonical partitions, global batch, algorithm and its version, block size,
 * dropLast). Serialised as canonical JSON (keys sorted, no white space, UTF-8) with a format {@code
 * version}.
 */
public record LoaderState(
    int version,
    int epoch,
    long globalSamplesConsumed,
    long seed,
    List<String> manifestHashes,
    List<Long> samplesPerEpoch,
    int canonicalPartitions,
    int globalBatchSize,
    ShuffleAlgorithm algorithm,
    int algorithmVersion,
    int blockSize,
    boolean dropLast) {
  /** The JSON format version this class writes and reads. */
  public static final int FORMAT_VERSION = 1;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  public LoaderState {
    manifestHashes = List.copyOf(manifestHashes);
    samplesPerEpoch = List.copyOf(samplesPerEpoch);
    Objects.requireNonNull(algorithm, "algorithm");
    if (version != FORMAT_VERSION) {
      throw new IllegalArgumentException(
          "loader state version " + version + " is not " + FORMAT_VERSION);
    }
    if (epoch < 0 || globalSamplesConsumed < 0 || globalBatchSize <= 0) {
      throw new IllegalArgumentException(
          "loader state epoch "
              + epoch
              + ", consumed "
              + globalSamplesConsumed
              + ", global batch "
              + globalBatchSize
              + " is invalid");
    }
    if (manifestHashes.size() != samplesPerEpoch.size()) {
      throw new IllegalArgumentException("one samples-per-epoch count per manifest hash");
    }
  }

  /** The canonical JSON bytes. */
  public byte[] toJson() {
    Map<String, Object> m = new TreeMap<>();
    m.put("version", version);
    m.put("epoch", epoch);
    m.put("globalSamplesConsumed", globalSamplesConsumed);
    m.put("seed", seed);
    m.put("manifestHashes", manifestHashes);
    m.put("samplesPerEpoch", samplesPerEpoch);
    m.put("canonicalPartitions", canonicalPartitions);
    m.put("globalBatchSize", globalBatchSize);
    m.put("algorithm", algorithm.name().toLowerCase(Locale.ROOT));
    m.put("algorithmVersion", algorithmVersion);
    m.put("blockSize", blockSize);
    m.put("dropLast", dropLast);
    try {
      return JSON.writeValueAsBytes(m);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The state {@link #toJson()} wrote, or an {@link IllegalArgumentException} naming the flaw. */
  public static LoaderState fromJson(byte[] json) {
    JsonNode n;
    try {
      n = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("loader state is not JSON: " + e.getMessage(), e);
    }
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("loader state is not a JSON object");
    }
    List<String> hashes = new ArrayList<>();
    field(n, "manifestHashes").forEach(h -> hashes.add(h.asText()));
    List<Long> counts = new ArrayList<>();
    field(n, "samplesPerEpoch").forEach(c -> counts.add(c.asLong()));
    return new LoaderState(
        field(n, "version").asInt(),
        field(n, "epoch").asInt(),
        field(n, "globalSamplesConsumed").asLong(),
        field(n, "seed").asLong(),
        hashes,
        counts,
        field(n, "canonicalPartitions").asInt(),
        field(n, "globalBatchSize").asInt(),
        ShuffleAlgorithm.valueOf(field(n, "algorithm").asText().toUpperCase(Locale.ROOT)),
        field(n, "algorithmVersion").asInt(),
        field(n, "blockSize").asInt(),
        field(n, "dropLast").asBoolean());
  }

  private static JsonNode field(JsonNode n, String name) {
    JsonNode v = n.get(name);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException("loader state has no '" + name + "'");
    }
    return v;
  }

  /** This state at another position. */
  LoaderState at(int newEpoch, long consumed) {
    return new LoaderState(
        version,
        newEpoch,
        consumed,
        seed,
        manifestHashes,
        samplesPerEpoch,
        canonicalPartitions,
        globalBatchSize,
        algorithm,
        algorithmVersion,
        blockSize,
        dropLast);
  }
}
