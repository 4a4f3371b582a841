package io.btfshybrid.api;

import java.util.List;
import java.util.Objects;

/**
 * One file of a release. {@code size} and {@code sha256} describe the plaintext the caller reads;
 * {@code storedSize}, {@code storedSha256} and {@code chunkHashes} describe the bytes the tiers
 * hold (the same bytes unless the release is encrypted), cut into chunks of {@code chunkSize}
 * bytes, each verified before any of its bytes is released.
 */
public record ShardEntry(
    String path,
    long size,
    String sha256,
    long storedSize,
    String storedSha256,
    int chunkSize,
    List<String> chunkHashes,
    List<LocationHint> locations,
    SampleFormat format,
    long sampleCount,
    SampleIndexRef sampleIndex) {
  /** The largest chunk a manifest may declare: bounds the memory one reader holds. */
  public static final int MAX_CHUNK_SIZE = 4 << 20;

  /** Validates sizes, chunk size and chunk count; copies the lists. */
  public ShardEntry {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(format, "format");
    checkSamples(path, format, sampleCount, sampleIndex);
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(storedSha256, "storedSha256");
    chunkHashes = List.copyOf(chunkHashes);
    locations = List.copyOf(locations);
    if (size < 0 || storedSize < 0) {
      throw new IllegalArgumentException("shard '" + path + "' has a negative size");
    }
    if (chunkSize <= 0 || chunkSize > MAX_CHUNK_SIZE) {
      throw new IllegalArgumentException(
          "shard '" + path + "' chunk size " + chunkSize + " is outside 1.." + MAX_CHUNK_SIZE);
    }
    long expectedChunks = chunkCount(storedSize, chunkSize);
    if (chunkHashes.size() != expectedChunks) {
      throw new IllegalArgumentException(
          "shard '"
              + path
              + "' lists "
              + chunkHashes.size()
              + " chunk hashes, its stored size "
              + storedSize
              + " needs "
              + expectedChunks);
    }
  }

  /** A shard without sample fields: one raw sample (what every older manifest holds). */
  public ShardEntry(
      String path,
      long size,
      String sha256,
      long storedSize,
      String storedSha256,
      int chunkSize,
      List<String> chunkHashes,
      List<LocationHint> locations) {
    this(
        path,
        size,
        sha256,
        storedSize,
        storedSha256,
        chunkSize,
        chunkHashes,
        locations,
        SampleFormat.RAW,
        1,
        null);
  }

  private static void checkSamples(
      String path, SampleFormat format, long sampleCount, SampleIndexRef sampleIndex) {
    if (format == SampleFormat.RAW) {
      if (sampleCount != 1 || sampleIndex != null) {
        throw new IllegalArgumentException(
            "raw shard '" + path + "' is one sample and has no index, not " + sampleCount);
      }
    } else if (sampleCount < 0 || sampleIndex == null) {
      throw new IllegalArgumentException(
          format.id() + " shard '" + path + "' needs a sample count >= 0 and an index blob");
    }
  }

  /** Whether the shard's samples are listed in an index blob (every format but raw). */
  public boolean hasSampleIndex() {
    return sampleIndex != null;
  }

  /** This entry with sample addressing: a format, its sample count and index blob. */
  public ShardEntry withSamples(SampleFormat newFormat, long count, SampleIndexRef index) {
    return new ShardEntry(
        path,
        size,
        sha256,
        storedSize,
        storedSha256,
        chunkSize,
        chunkHashes,
        locations,
        newFormat,
        count,
        index);
  }

  /** How many chunks of {@code chunkSize} cover {@code size} bytes (zero for an empty object). */
  public static long chunkCount(long size, int chunkSize) {
    return (size + chunkSize - 1) / chunkSize;
  }

  /** Number of stored chunks. */
  public int chunkCount() {
    return chunkHashes.size();
  }

  /** Stored length of chunk {@code index} (the last one may be short). */
  public int chunkLength(int index) {
    Objects.checkIndex(index, chunkHashes.size());
    long start = (long) index * chunkSize;
    return (int) Math.min(chunkSize, storedSize - start);
  }

  /** This entry with other location hints (hints are not part of the content). */
  public ShardEntry withLocations(List<LocationHint> newLocations) {
    return new ShardEntry(
        path,
        size,
        sha256,
        storedSize,
        storedSha256,
        chunkSize,
        chunkHashes,
        newLocations,
        format,
        sampleCount,
        sampleIndex);
  }
}
