package io.btfshybrid.core;

import com.google.common.hash.Hashing;
import com.google.common.hash.HashingInputStream;
import com.google.common.io.ByteSource;
import com.google.common.io.MoreFiles;
import com.google.crypto.tink.StreamingAead;
import io.btfshybrid.api.HybridStorageException;
import io.btfshybrid.api.LocationHint;
import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectInfo;
import io.btfshybrid.api.ObjectNotFoundException;
import io.btfshybrid.api.SampleIndexRef;
import io.btfshybrid.api.ShardEntry;
import io.btfshybrid.api.StorageTier;
import io.btfshybrid.core.samples.SampleIndex;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores one shard on every tier under its content-addressed key (encrypting it first when the
 * release is encrypted) and returns its manifest entry. A copy already on a tier is reused only
 * when its bytes hash to the expected SHA-256; a copy of the right size with the wrong bytes is
 * overwritten.
 */
final class ShardUploader {
  private static final Logger LOG = LoggerFactory.getLogger(ShardUploader.class);

  private final List<StorageTier> tiers;
  private final int chunkSize;
  private final Path tempDirectory;
  private final Meters meters;

  /** Running totals of one publication, and where bytes moved to a tier (or reused) are told. */
  static final class Counts {
    long bytes;
    int uploaded;
    int reused;
    private final LongConsumer moved;

    /** Totals that tell {@code moved} of every byte stored or reused, as it goes. */
    Counts(LongConsumer moved) {
      this.moved = moved;
    }
  }

  /**
   * Uploads to {@code tiers}; encrypted shards are staged in {@code tempDirectory} (or the
   * system's).
   */
  ShardUploader(List<StorageTier> tiers, int chunkSize, Path tempDirectory) {
    this(tiers, chunkSize, tempDirectory, Meters.NONE);
  }

  /** As above, counting bytes stored and reused per tier in {@code meters}. */
  ShardUploader(List<StorageTier> tiers, int chunkSize, Path tempDirectory, Meters meters) {
    this.tiers = tiers;
    this.chunkSize = chunkSize;
    this.tempDirectory = tempDirectory;
    this.meters = meters;
  }

  /**
   * Stores {@code file} (hashed as {@code digest}) on every tier, encrypted when {@code encrypt}.
   */
  ShardEntry store(
      SourceFile file, ShardDigest digest, StreamingAead encrypt, String release, Counts counts)
      throws IOException {
    if (encrypt == null) {
      List<LocationHint> hints =
          replicate(
              MoreFiles.asByteSource(file.path()),
              file.relative(),
              file.size(),
              digest.sha256(),
              release,
              counts);
      return entry(file, digest, digest, hints);
    }
    return storeEncrypted(file, digest, encrypt, release, counts);
  }

  /**
   * {@code entry} with its sample addressing: unchanged for a raw shard; otherwise its index blob
   * is stored on every tier under its content key (an intact copy reused), its locations recorded.
   */
  ShardEntry withSamples(ShardEntry entry, SampleIndex index, String release, Counts counts)
      throws IOException {
    Optional<SampleIndexRef> ref = index.ref();
    Optional<byte[]> blob = index.blob();
    if (ref.isEmpty() || blob.isEmpty()) {
      return entry;
    }
    // Index bytes are not part of the upload progress (its total counts shard bytes only).
    Counts blobCounts = new Counts(n -> {});
    List<LocationHint> hints =
        replicate(
            ByteSource.wrap(blob.get()),
            "the sample index of '" + entry.path() + "'",
            ref.get().size(),
            ref.get().sha256(),
            release,
            blobCounts);
    counts.bytes += blobCounts.bytes;
    counts.uploaded += blobCounts.uploaded;
    counts.reused += blobCounts.reused;
    return entry.withSamples(index.format(), index.sampleCount(), ref.get().withLocations(hints));
  }

  private ShardEntry entry(
      SourceFile file, ShardDigest plain, ShardDigest stored, List<LocationHint> hints) {
    return new ShardEntry(
        file.relative(),
        file.size(),
        plain.sha256(),
        stored.size(),
        stored.sha256(),
        chunkSize,
        stored.chunkHashes(),
        hints);
  }

  /**
   * Encrypts one file once into a temporary file (the nonce prefix is random, so the ciphertext is
   * only reproducible from that file), checks the plaintext is still what was hashed, and stores
   * the ciphertext. The temporary file holds only ciphertext and is removed afterwards.
   */
  private ShardEntry storeEncrypted(
      SourceFile file, ShardDigest digest, StreamingAead encrypt, String release, Counts counts)
      throws IOException {
    Path temp =
        tempDirectory == null
            ? Files.createTempFile("btfs-hybrid-", ".enc")
            : Files.createTempFile(Files.createDirectories(tempDirectory), "btfs-hybrid-", ".enc");
    try {
      ShardEncryption.EncryptedShard enc =
          ShardEncryption.encrypt(file.path(), temp, encrypt, file.relative(), chunkSize);
      if (!enc.plainSha256().equals(digest.sha256()) || enc.plainSize() != file.size()) {
        throw changed(file.relative());
      }
      ShardDigest stored = enc.stored();
      List<LocationHint> hints =
          replicate(
              MoreFiles.asByteSource(temp),
              file.relative(),
              stored.size(),
              stored.sha256(),
              release,
              counts);
      return entry(file, digest, stored, hints);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Stores one object on every tier (reusing an intact copy), returning the location hints. */
  private List<LocationHint> replicate(
      ByteSource bytes, String label, long size, String sha256, String release, Counts counts)
      throws IOException {
    String key = BlobKeys.of(sha256);
    List<LocationHint> hints = new ArrayList<>();
    for (StorageTier tier : tiers) {
      Optional<Locator> reusable = reusable(tier, key, size, sha256, label);
      Locator where;
      if (reusable.isPresent()) {
        where = reusable.get();
        counts.reused++;
        counts.moved.accept(size);
        meters.reused(tier.id(), size);
      } else {
        long began = System.nanoTime();
        try {
          where = upload(tier, key, bytes, label, size, sha256, counts.moved);
        } catch (IOException e) {
          throw new HybridStorageException(
              "publishing "
                  + release
                  + ": tier '"
                  + tier.id()
                  + "' failed to store '"
                  + label
                  + "': "
                  + e.getMessage(),
              e);
        }
        meters.stored(tier.id(), size, System.nanoTime() - began);
        counts.bytes += size;
        counts.uploaded++;
      }
      hints.add(new LocationHint(tier.id(), tier.kind(), tier.region(), where.uri()));
    }
    return hints;
  }

  /**
   * Stores one file and checks the bytes that went out are the bytes that were hashed; a file
   * changed during publication is removed from the tier again and reported.
   */
  private static Locator upload(
      StorageTier tier,
      String key,
      ByteSource bytes,
      String label,
      long size,
      String sha256,
      LongConsumer moved)
      throws IOException {
    Locator where;
    HashingInputStream in =
        new HashingInputStream(
            Hashing.sha256(), new ProgressInputStream(bytes.openStream(), moved));
    try (in) {
      where = tier.write(key, in, size);
    }
    if (!in.hash().toString().equals(sha256)) {
      tier.delete(where);
      throw changed(label);
    }
    return where;
  }

  private static HybridStorageException changed(String label) {
    return new HybridStorageException(
        "'" + label + "' changed while it was being published; publish again");
  }

  /**
   * The copy already stored under the content-addressed key, when it has the right size and its
   * bytes hash to {@code sha256}; anything else there is replaced by the upload.
   */
  private static Optional<Locator> reusable(
      StorageTier tier, String key, long size, String sha256, String label) throws IOException {
    Optional<Locator> loc = tier.locate(key);
    if (loc.isEmpty()) {
      return Optional.empty();
    }
    Optional<ObjectInfo> info = tier.stat(loc.get());
    if (info.isEmpty() || info.get().size() != size) {
      return Optional.empty();
    }
    HashingInputStream in;
    long read;
    try (InputStream raw = tier.read(loc.get(), 0, -1)) {
      in = new HashingInputStream(Hashing.sha256(), raw);
      read = in.transferTo(OutputStream.nullOutputStream());
    } catch (ObjectNotFoundException e) {
      return Optional.empty();
    }
    if (read != size || !in.hash().toString().equals(sha256)) {
      LOG.warn(
          "tier '{}' holds a damaged copy of '{}' at {}: replacing it",
          tier.id(),
          label,
          loc.get());
      return Optional.empty();
    }
    return loc;
  }
}
