package io.btfshybrid.testkit;

import static io.btfshybrid.testkit.BtfsSimResponses.cidArg;
import static io.btfshybrid.testkit.BtfsSimResponses.stripPath;

import io.btfshybrid.btfs.Cid;
import io.btfshybrid.btfs.UnixFs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code pin/add} (fetching every block first), {@code pin/rm} and {@code pin/ls}. */
final class BtfsSimPins {
  private final BtfsSimBlockStore store;
  private final BtfsSimFaults faults;
  private final BtfsSimResponses responses;

  BtfsSimPins(BtfsSimBlockStore store, BtfsSimFaults faults, BtfsSimResponses responses) {
    this.store = store;
    this.faults = faults;
    this.responses = responses;
  }

  void add(BtfsSimHttpServer.Exchange ex) throws IOException {
    Cid cid = cidArg(ex);
    if (faults.contentUnavailable) {
      responses.hangUntilTimeout(ex);
      return;
    }
    try (InputStream all = UnixFs.open(store, cid, 0, -1, "simulator")) {
      all.transferTo(OutputStream.nullOutputStream());
    }
    store.pin(cid);
    responses.json(ex, Map.of("Pins", List.of(cid.toString())));
  }

  void rm(BtfsSimHttpServer.Exchange ex) throws IOException {
    Cid cid = cidArg(ex);
    if (!store.unpin(cid)) {
      responses.error(ex, 500, "not pinned or pinned indirectly", 0);
      return;
    }
    responses.json(ex, Map.of("Pins", List.of(cid.toString())));
  }

  void ls(BtfsSimHttpServer.Exchange ex) throws IOException {
    String arg = ex.param("arg");
    Map<String, Object> keys = new LinkedHashMap<>();
    if (arg != null) {
      Cid cid = Cid.parse(stripPath(arg));
      if (!store.isPinned(cid)) {
        responses.error(ex, 500, "path '" + arg + "' is not pinned", 0);
        return;
      }
      keys.put(cid.toString(), Map.of("Type", "recursive"));
    } else {
      for (String pinned : store.pins()) {
        keys.put(pinned, Map.of("Type", "recursive"));
      }
    }
    responses.json(ex, Map.of("Keys", keys));
  }
}
