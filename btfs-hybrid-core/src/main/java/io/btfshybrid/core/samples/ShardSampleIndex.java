package io.btfshybrid.core.samples;

import io.btfshybrid.api.HybridStorageException;
import io.btfshybrid.api.SampleFormat;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A shard's decoded index blob: where each sample's members lie in the shard.
 *
 * <p>Layout, version 1, big-endian: the magic {@code "BHSI"}, a version byte (1), a format byte (1
 * tar, 2 jsonl, 3 records), the sample count (8 bytes), then per sample: for jsonl and records its
 * offset and length (8 bytes each); for tar its key (a 4-byte length and UTF-8 bytes), its member
 * count (4 bytes) and per member its field (likewise), its data offset and length (8 bytes each).
 * The same shard always yields the same blob, so its hash is stable.
 */
public final class ShardSampleIndex {
  static final byte[] MAGIC = {'B', 'H', 'S', 'I'};
  static final int VERSION = 1;
  private static final int HEADER = 14;
  private static final int RANGE_ENTRY = 16;

  private final String shardPath;
  private final SampleFormat format;
  private final ByteBuffer blob;
  private final int count;

  /** Tar only: where each sample's entry starts in the blob. */
  private final int[] tarEntries;

  private ShardSampleIndex(
      String shardPath, SampleFormat format, ByteBuffer blob, int count, int[] tarEntries) {
    this.shardPath = shardPath;
    this.format = format;
    this.blob = blob;
    this.count = count;
    this.tarEntries = tarEntries;
  }

  static int formatCode(SampleFormat format) {
    return switch (format) {
      case TAR -> 1;
      case JSONL -> 2;
      case RECORDS -> 3;
      case RAW -> throw new IllegalArgumentException("raw shards have no index blob");
    };
  }

  /**
   * Decodes and checks {@code blob} (already verified against its hash) for shard {@code path} of
   * {@code shardSize} bytes: every member must lie inside the shard.
   */
  public static ShardSampleIndex parse(String path, byte[] blob, long shardSize)
      throws HybridStorageException {
    ByteBuffer b = ByteBuffer.wrap(blob).asReadOnlyBuffer();
    try {
      byte[] magic = new byte[4];
      b.get(magic);
      int version = b.get();
      int code = b.get();
      long count = b.getLong();
      if (!java.util.Arrays.equals(magic, MAGIC) || version != VERSION) {
        throw malformed(path, "not a version " + VERSION + " index blob");
      }
      SampleFormat format = code == 1 ? SampleFormat.TAR : code == 2 ? SampleFormat.JSONL : null;
      format = code == 3 ? SampleFormat.RECORDS : format;
      if (format == null || count < 0 || count > Integer.MAX_VALUE) {
        throw malformed(path, "format " + code + " or sample count " + count + " is invalid");
      }
      int n = (int) count;
      if (format != SampleFormat.TAR) {
        if ((long) n * RANGE_ENTRY != b.remaining()) {
          throw malformed(path, "holds " + b.remaining() + " bytes for " + n + " samples");
        }
        for (int i = 0; i < n; i++) {
          checkRange(path, b.getLong(), b.getLong(), shardSize);
        }
        return new ShardSampleIndex(path, format, b, n, null);
      }
      int[] entries = new int[n];
      for (int i = 0; i < n; i++) {
        entries[i] = b.position();
        skipString(b);
        int members = b.getInt();
        if (members <= 0) {
          throw malformed(path, "sample " + i + " has no members");
        }
        for (int m = 0; m < members; m++) {
          skipString(b);
          checkRange(path, b.getLong(), b.getLong(), shardSize);
        }
      }
      if (b.hasRemaining()) {
        throw malformed(path, "has " + b.remaining() + " trailing bytes");
      }
      return new ShardSampleIndex(path, format, b, n, entries);
    } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
      throw malformed(path, "is truncated or corrupt");
    }
  }

  private static void skipString(ByteBuffer b) {
    int len = b.getInt();
    if (len < 0 || len > b.remaining()) {
      throw new IllegalArgumentException("string length " + len);
    }
    b.position(b.position() + len);
  }

  private static void checkRange(String path, long offset, long length, long shardSize)
      throws HybridStorageException {
    if (offset < 0 || length < 0 || offset > shardSize || length > shardSize - offset) {
      throw malformed(
          path, "names bytes " + offset + "+" + length + " outside the " + shardSize + " bytes");
    }
  }

  private static HybridStorageException malformed(String path, String detail) {
    return new HybridStorageException("index blob of shard '" + path + "' " + detail);
  }

  /** The shard's format. */
  public SampleFormat format() {
    return format;
  }

  /** How many samples the shard holds. */
  public int sampleCount() {
    return count;
  }

  /** The key of sample {@code i}: the tar key, or the line/record number in decimal. */
  public String key(int i) {
    if (tarEntries == null) {
      return Integer.toString(checkIndex(i));
    }
    return string(tarEntries[checkIndex(i)]);
  }

  /** How many byte ranges (tar members) sample {@code i} has: 1 for jsonl and records. */
  public int memberCount(int i) {
    if (tarEntries == null) {
      checkIndex(i);
      return 1;
    }
    int at = tarEntries[checkIndex(i)];
    return blob.getInt(at + 4 + blob.getInt(at));
  }

  /** The field of member {@code m} of sample {@code i} (its extension; "json" for jsonl). */
  public String field(int i, int m) {
    if (tarEntries == null) {
      return format == SampleFormat.JSONL ? "json" : "bin";
    }
    return string(member(i, m));
  }

  /** Where member {@code m} of sample {@code i} starts in the shard. */
  public long memberOffset(int i, int m) {
    if (tarEntries == null) {
      return blob.getLong(HEADER + checkIndex(i) * RANGE_ENTRY);
    }
    int at = member(i, m);
    return blob.getLong(at + 4 + blob.getInt(at));
  }

  /** How many bytes member {@code m} of sample {@code i} has. */
  public long memberLength(int i, int m) {
    if (tarEntries == null) {
      return blob.getLong(HEADER + checkIndex(i) * RANGE_ENTRY + 8);
    }
    int at = member(i, m);
    return blob.getLong(at + 12 + blob.getInt(at));
  }

  /** The total bytes of sample {@code i} (its members' lengths). */
  public long sampleLength(int i) {
    long total = 0;
    for (int m = 0, n = memberCount(i); m < n; m++) {
      total += memberLength(i, m);
    }
    return total;
  }

  private int member(int i, int m) {
    int at = tarEntries[checkIndex(i)];
    at += 4 + blob.getInt(at);
    int members = blob.getInt(at);
    java.util.Objects.checkIndex(m, members);
    at += 4;
    for (int k = 0; k < m; k++) {
      at += 4 + blob.getInt(at) + 16;
    }
    return at;
  }

  private String string(int at) {
    int len = blob.getInt(at);
    byte[] bytes = new byte[len];
    blob.get(at + 4, bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private int checkIndex(int i) {
    return java.util.Objects.checkIndex(i, count);
  }

  /** The shard this index describes. */
  public String shardPath() {
    return shardPath;
  }
}
