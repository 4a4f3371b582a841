package io.btfshybrid.btfs;

import java.io.IOException;
import java.io.InputStream;

/**
 * Trustless reads of UnixFS files: the bytes are rebuilt from blocks fetched by CID, each one
 * proven against its CID before use, so an untrusted node or gateway cannot slip in wrong bytes.
 */
public final class UnixFs {
  private UnixFs() {}

  /**
   * Opens {@code length} bytes ({@code -1}: to the end) of the file {@code root} from {@code
   * offset}; a block that fails verification surfaces as {@link
   * io.btfshybrid.api.IntegrityException} naming {@code tierId}.
   */
  public static InputStream open(
      BlockSource blocks, Cid root, long offset, long length, String tierId) throws IOException {
    return new UnixFsReader(blocks, root, offset, length, tierId);
  }

  /** The size in bytes of the file {@code root}, read from its verified root block. */
  public static long fileSize(BlockSource blocks, Cid root) throws IOException {
    return new UnixFsReader(blocks, root, 0, 0, null).fileSize();
  }
}
