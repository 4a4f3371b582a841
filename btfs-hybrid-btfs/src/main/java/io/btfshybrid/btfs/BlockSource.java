package io.btfshybrid.btfs;

import java.io.IOException;

/** Fetches one block's bytes by CID from wherever blocks live; the caller verifies them. */
@FunctionalInterface
public interface BlockSource {
  /**
   * The bytes stored under {@code cid}; throws {@link io.btfshybrid.api.ObjectNotFoundException}
   * when there are none.
   */
  byte[] get(Cid cid) throws IOException;
}
