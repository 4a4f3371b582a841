package io.btfshybrid.btfs;

import java.io.IOException;

/** Receives each block of a DAG as it is built: its CID and its exact bytes. */
@FunctionalInterface
public interface BlockSink {
  /** Called once per block, leaves before the nodes that link to them; the root comes last. */
  void accept(Cid cid, byte[] block) throws IOException;
}
