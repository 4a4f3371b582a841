package io.btfshybrid.btfs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Objects;

/**
 * A content identifier (CIDv0 or CIDv1): a multicodec saying how the block is encoded and a
 * multihash of its bytes, printed as base58btc (v0, {@code Qm…}) or lower-case base32 (v1, {@code
 * b…}).
 */
public final class Cid {
  /** Multicodec code of a raw block (the bytes themselves). */
  public static final long RAW = 0x55;

  /** Multicodec code of a dag-pb (protobuf MerkleDAG) block. */
  public static final long DAG_PB = 0x70;

  /** Multihash function code of SHA2-256. */
  public static final long SHA2_256 = 0x12;

  /** Multihash function code of the identity hash (the digest is the content). */
  public static final long IDENTITY = 0x00;

  private static final int SHA256_LENGTH = 32;

  private final int version;
  private final long codec;
  private final long hashFunction;
  private final byte[] digest;

  private Cid(int version, long codec, long hashFunction, byte[] digest) {
    this.version = version;
    this.codec = codec;
    this.hashFunction = hashFunction;
    this.digest = digest;
  }

  /**
   * A CID from its parts; a version 0 CID must be dag-pb and SHA2-256, as the format has no room
   * for anything else.
   */
  public static Cid of(int version, long codec, long hashFunction, byte[] digest) {
    Objects.requireNonNull(digest, "digest");
    if (version == 0) {
      if (codec != DAG_PB || hashFunction != SHA2_256 || digest.length != SHA256_LENGTH) {
        throw new IllegalArgumentException(
            "a CIDv0 is dag-pb with a 32-byte sha2-256 digest, not codec 0x"
                + Long.toHexString(codec)
                + " hash 0x"
                + Long.toHexString(hashFunction)
                + " of "
                + digest.length
                + " bytes");
      }
    } else if (version != 1) {
      throw new IllegalArgumentException("CID version " + version + " is not 0 or 1");
    }
    if (hashFunction == SHA2_256 && digest.length != SHA256_LENGTH) {
      throw new IllegalArgumentException("a sha2-256 digest has 32 bytes, not " + digest.length);
    }
    return new Cid(version, codec, hashFunction, digest.clone());
  }

  /** The SHA2-256 CID of {@code block} with the given version and codec. */
  public static Cid ofBlock(int version, long codec, byte[] block) {
    return ofBlock(version, codec, block, 0, block.length);
  }

  static Cid ofBlock(int version, long codec, byte[] block, int offset, int length) {
    MessageDigest sha = sha256();
    sha.update(block, offset, length);
    return new Cid(version, codec, SHA2_256, sha.digest());
  }

  /**
   * Parses a CID: a CIDv0 in base58btc ({@code Qm…}), or a CIDv1 in multibase base32 ({@code
   * b…}/{@code B…}), base58btc ({@code z…}) or base16 ({@code f…}).
   *
   * @throws IllegalArgumentException naming the text and what is wrong with it
   */
  public static Cid parse(String text) {
    Objects.requireNonNull(text, "text");
    try {
      if (text.length() == 46 && text.startsWith("Qm")) {
        return fromMultihash(Base58.decode(text));
      }
      if (text.isEmpty()) {
        throw new IllegalArgumentException("it is empty");
      }
      char base = text.charAt(0);
      String body = text.substring(1);
      byte[] bytes =
          switch (base) {
            case 'b', 'B' -> Base32.decode(body);
            case 'z' -> Base58.decode(body);
            case 'f', 'F' -> hexDecode(body);
            default ->
                throw new IllegalArgumentException(
                    "'"
                        + base
                        + "' is not a supported multibase prefix (CIDv0 starts with Qm; CIDv1 with b,"
                        + " z or f)");
          };
      Cid cid = fromBytes(bytes);
      if (cid.version == 0) {
        throw new IllegalArgumentException("a CIDv0 is never multibase-prefixed");
      }
      return cid;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a CID: '" + text + "': " + e.getMessage(), e);
    }
  }

  /** Decodes the binary form: a bare sha2-256 multihash (v0) or version, codec and multihash. */
  public static Cid fromBytes(byte[] bytes) {
    if (bytes.length == 34 && bytes[0] == 0x12 && bytes[1] == 0x20) {
      return fromMultihash(bytes);
    }
    Varint.Decoded version = Varint.read(bytes, 0, bytes.length);
    if (version.value() != 1) {
      throw new IllegalArgumentException(
          "CID version " + version.value() + " is not 1 (and the bytes are no CIDv0 multihash)");
    }
    Varint.Decoded codec = Varint.read(bytes, version.next(), bytes.length);
    Multihash mh = Multihash.decode(bytes, codec.next());
    return of(1, codec.value(), mh.function(), mh.digest());
  }

  private static Cid fromMultihash(byte[] bytes) {
    Multihash mh = Multihash.decode(bytes, 0);
    if (mh.function() != SHA2_256 || mh.digest().length != SHA256_LENGTH) {
      throw new IllegalArgumentException("a CIDv0 must be a 32-byte sha2-256 multihash");
    }
    return new Cid(0, DAG_PB, SHA2_256, mh.digest());
  }

  /**
   * Builds the UnixFS DAG of {@code content} in one streaming pass, with bounded memory, and
   * returns its root CID: what {@code btfs add} (or {@code ipfs add}) would print for it.
   */
  public static Cid compute(InputStream content, CidProfile profile) throws IOException {
    UnixFsDagBuilder builder = UnixFsDagBuilder.create(profile);
    content.transferTo(builder);
    return builder.finish();
  }

  /** 0 or 1. */
  public int version() {
    return version;
  }

  /** The multicodec of the block, e.g. {@link #RAW} or {@link #DAG_PB}. */
  public long codec() {
    return codec;
  }

  /** The multihash function code, e.g. {@link #SHA2_256}. */
  public long hashFunction() {
    return hashFunction;
  }

  /** The digest bytes of the multihash (a copy). */
  public byte[] digest() {
    return digest.clone();
  }

  /** The whole multihash: function code, digest length and digest. */
  public byte[] multihash() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(digest.length + 4);
    Varint.write(out, hashFunction);
    Varint.write(out, digest.length);
    out.writeBytes(digest);
    return out.toByteArray();
  }

  /** The binary form, as it appears in dag-pb links. */
  public byte[] toBytes() {
    if (version == 0) {
      return multihash();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(digest.length + 6);
    Varint.write(out, 1);
    Varint.write(out, codec);
    out.writeBytes(multihash());
    return out.toByteArray();
  }

  /** This content as a CIDv1 (unchanged when it already is one). */
  public Cid toV1() {
    return version == 1 ? this : new Cid(1, codec, hashFunction, digest);
  }

  /** Whether {@code block} hashes to this CID's multihash. */
  public boolean matches(byte[] block) {
    return matches(block, 0, block.length);
  }

  boolean matches(byte[] block, int offset, int length) {
    if (hashFunction == SHA2_256) {
      MessageDigest sha = sha256();
      sha.update(block, offset, length);
      return MessageDigest.isEqual(sha.digest(), digest);
    }
    if (hashFunction == IDENTITY) {
      return Arrays.equals(block, offset, offset + length, digest, 0, digest.length);
    }
    throw new UnsupportedOperationException(
        "hash function 0x" + Long.toHexString(hashFunction) + " of " + this + " is not supported");
  }

  /** Whether both name the same bytes (same multihash), whatever the version or codec. */
  public boolean sameMultihash(Cid other) {
    return hashFunction == other.hashFunction && Arrays.equals(digest, other.digest);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  private static byte[] hexDecode(String hex) {
    if (hex.length() % 2 != 0) {
      throw new IllegalArgumentException("odd number of base16 digits");
    }
    byte[] out = new byte[hex.length() / 2];
    for (int i = 0; i < out.length; i++) {
      int hi = Character.digit(hex.charAt(2 * i), 16);
      int lo = Character.digit(hex.charAt(2 * i + 1), 16);
      if (hi < 0 || lo < 0) {
        throw new IllegalArgumentException("'" + hex.substring(2 * i, 2 * i + 2) + "' is not hex");
      }
      out[i] = (byte) (hi << 4 | lo);
    }
    return out;
  }

  /** Equal when version, codec, hash function and digest are all equal. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Cid other
        && version == other.version
        && codec == other.codec
        && hashFunction == other.hashFunction
        && Arrays.equals(digest, other.digest);
  }

  /** A hash consistent with {@link #equals}. */
  @Override
  public int hashCode() {
    return Arrays.hashCode(digest) * 31 + (int) codec + version;
  }

  /** base58btc for v0, multibase base32 (lower case, no padding, prefix {@code b}) for v1. */
  @Override
  public String toString() {
    return version == 0 ? Base58.encode(multihash()) : "b" + Base32.encodeLower(toBytes());
  }

  /** A decoded multihash. */
  @SuppressWarnings(
      "ArrayRecordComponent") // internal value; its array is never compared or exposed to callers
  record Multihash(long function, byte[] digest) {
    static Multihash decode(byte[] bytes, int pos) {
      Varint.Decoded function = Varint.read(bytes, pos, bytes.length);
      Varint.Decoded length = Varint.read(bytes, function.next(), bytes.length);
      int start = length.next();
      if (length.value() != bytes.length - start) {
        throw new IllegalArgumentException(
            "multihash says "
                + length.value()
                + " digest bytes but "
                + (bytes.length - start)
                + " follow");
      }
      return new Multihash(function.value(), Arrays.copyOfRange(bytes, start, bytes.length));
    }
  }
}
