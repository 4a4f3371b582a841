package io.btfshybrid.btfs;

/**
 * How content is turned into a UnixFS DAG: the CID version and leaf format, with the defaults of
 * {@code btfs add}/{@code ipfs add}: 262,144-byte chunks, balanced layout, 174 links per node.
 */
public enum CidProfile {
  /** CIDv0 (base58btc {@code Qm…}): leaves are dag-pb UnixFS File nodes. */
  V0(0, false),
  /** CIDv1 (base32 {@code b…}) with raw leaves: what {@code add -v=1 --raw-leaves} makes. */
  V1_RAW(1, true);

  /** Bytes per leaf chunk ({@code chunker=size-262144}). */
  public static final int CHUNK_SIZE = 262_144;

  /** Links per internal node of the balanced layout. */
  public static final int MAX_LINKS = 174;

  private final int cidVersion;
  private final boolean rawLeaves;

  CidProfile(int cidVersion, boolean rawLeaves) {
    this.cidVersion = cidVersion;
    this.rawLeaves = rawLeaves;
  }

  /** 0 or 1. */
  public int cidVersion() {
    return cidVersion;
  }

  /** Whether leaves are raw blocks (codec raw) rather than dag-pb UnixFS nodes. */
  public boolean rawLeaves() {
    return rawLeaves;
  }
}
