package io.btfshybrid.testkit;

import static io.btfshybrid.testkit.BtfsSimResponses.firstSegment;

import io.btfshybrid.btfs.Cid;
import io.btfshybrid.btfs.UnixFs;
import io.btfshybrid.testkit.BtfsSimBlockStore.MissingBlock;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The gateway: {@code GET /btfs/<cid>} with {@code Range}, or one raw block. */
final class BtfsSimGateway {
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

  private final BtfsSimBlockStore store;
  private final BtfsSimFaults faults;
  private final BtfsSimResponses responses;

  BtfsSimGateway(BtfsSimBlockStore store, BtfsSimFaults faults, BtfsSimResponses responses) {
    this.store = store;
    this.faults = faults;
    this.responses = responses;
  }

  void get(BtfsSimHttpServer.Exchange ex, String rest) throws IOException {
    Cid cid;
    try {
      cid = Cid.parse(firstSegment(rest));
    } catch (IllegalArgumentException e) {
      ex.sendText(400, "text/plain", e.getMessage());
      return;
    }
    if (faults.failAllRequests) {
      ex.sendText(500, "text/plain", "simulated internal error");
      return;
    }
    if (faults.contentUnavailable) {
      faults.awaitClose(Duration.ofMinutes(10));
      return;
    }
    try {
      boolean raw =
          "raw".equals(ex.param("format"))
              || ex.headers.getOrDefault("accept", "").contains("application/vnd.ipld.raw");
      if (raw) {
        byte[] block = responses.maybeCorrupt(cid, store.get(cid));
        ex.sendBytes(200, Map.of("Content-Type", "application/vnd.ipld.raw"), block);
        return;
      }
      range(ex, cid);
    } catch (MissingBlock e) {
      if (!ex.responseStarted) {
        faults.awaitClose(Duration.ofMinutes(10));
      }
    }
  }

  private void range(BtfsSimHttpServer.Exchange ex, Cid cid) throws IOException {
    long size = UnixFs.fileSize(store, cid);
    long from = 0;
    long to = size - 1;
    int status = 200;
    String range = ex.headers.get("range");
    Matcher m = range == null ? null : RANGE.matcher(range);
    if (m != null && m.matches()) {
      from = Long.parseLong(m.group(1));
      if (!m.group(2).isEmpty()) {
        to = Math.min(to, Long.parseLong(m.group(2)));
      }
      if (from >= size) {
        ex.sendBytes(416, Map.of("Content-Range", "bytes */" + size), new byte[0]);
        return;
      }
      status = 206;
    }
    long count = Math.max(0, to - from + 1);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/octet-stream");
    headers.put("Content-Length", Long.toString(count));
    if (status == 206) {
      headers.put("Content-Range", "bytes " + from + "-" + to + "/" + size);
    }
    try (InputStream content = UnixFs.open(store, cid, from, count, "simulator")) {
      ex.startSized(status, headers);
      responses.sizedBody(ex, content, count);
    }
  }
}
