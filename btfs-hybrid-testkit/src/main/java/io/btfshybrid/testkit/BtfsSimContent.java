package io.btfshybrid.testkit;

import static io.btfshybrid.testkit.BtfsSimResponses.TRAILER;
import static io.btfshybrid.testkit.BtfsSimResponses.cidArg;
import static io.btfshybrid.testkit.BtfsSimResponses.firstSegment;
import static io.btfshybrid.testkit.BtfsSimResponses.orDefault;
import static io.btfshybrid.testkit.BtfsSimResponses.required;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.btfshybrid.btfs.Car;
import io.btfshybrid.btfs.Cid;
import io.btfshybrid.btfs.CidProfile;
import io.btfshybrid.btfs.UnixFs;
import io.btfshybrid.btfs.UnixFsDagBuilder;
import io.btfshybrid.testkit.BtfsSimBlockStore.MissingBlock;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The content RPCs: {@code add}, {@code cat}, {@code dag/export}, {@code block/get}, {@code
 * block/stat} and {@code files/stat}, each with the faults that apply to it.
 */
final class BtfsSimContent {
  private final BtfsSimBlockStore store;
  private final BtfsSimFaults faults;
  private final BtfsSimResponses responses;

  BtfsSimContent(BtfsSimBlockStore store, BtfsSimFaults faults, BtfsSimResponses responses) {
    this.store = store;
    this.faults = faults;
    this.responses = responses;
  }

  /** Stores content as {@code add} would; returns the root CID and how many bytes it had. */
  Cid addContent(InputStream content, CidProfile profile) throws IOException {
    UnixFsDagBuilder builder = UnixFsDagBuilder.create(profile, store::put);
    content.transferTo(builder);
    return builder.finish();
  }

  void add(BtfsSimHttpServer.Exchange ex) throws IOException {
    int version = Integer.parseInt(orDefault(ex.param("v"), "0"));
    boolean rawLeaves =
        Boolean.parseBoolean(orDefault(ex.param("raw-leaves"), Boolean.toString(version == 1)));
    String chunker = orDefault(ex.param("chunker"), "size-" + CidProfile.CHUNK_SIZE);
    if (!chunker.equals("size-" + CidProfile.CHUNK_SIZE)) {
      ex.drainRequest();
      throw new IllegalArgumentException(
          "the simulator only chunks with size-" + CidProfile.CHUNK_SIZE + ", not " + chunker);
    }
    CidProfile profile;
    if (version == 0 && !rawLeaves) {
      profile = CidProfile.V0;
    } else if (version == 1 && rawLeaves) {
      profile = CidProfile.V1_RAW;
    } else {
      ex.drainRequest();
      throw new IllegalArgumentException(
          "the simulator supports v=0 without raw leaves and v=1 with raw leaves, not v="
              + version
              + " raw-leaves="
              + rawLeaves);
    }
    String boundary = BtfsSimMultipart.boundary(ex.headers.get("content-type"));
    UnixFsDagBuilder builder = UnixFsDagBuilder.create(profile, store::put);
    String name = BtfsSimMultipart.copyFirstPart(ex.body, boundary, builder);
    Cid root = builder.finish();
    if (Boolean.parseBoolean(orDefault(ex.param("pin"), "true"))) {
      store.pin(root);
    }
    Cid answered =
        faults.lyingAdd
            ? Cid.ofBlock(1, Cid.RAW, ("not " + root).getBytes(StandardCharsets.US_ASCII))
            : root;
    ObjectNode event = BtfsSimResponses.mapper().createObjectNode();
    event.put("Name", name);
    event.put("Hash", answered.toString());
    event.put("Size", Long.toString(builder.bytesWritten()));
    responses.json(ex, event);
  }

  void cat(BtfsSimHttpServer.Exchange ex) throws IOException {
    Cid cid = cidArg(ex);
    if (faults.contentUnavailable) {
      responses.hangUntilTimeout(ex);
      return;
    }
    long offset = Long.parseLong(orDefault(ex.param("offset"), "0"));
    long length = Long.parseLong(orDefault(ex.param("length"), "-1"));
    long size = UnixFs.fileSize(store, cid);
    long left = Math.max(0, size - Math.min(offset, size));
    long toSend = length < 0 ? left : Math.min(length, left);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "text/plain");
    headers.put("Trailer", TRAILER);
    headers.put("X-Stream-Output", "1");
    headers.put("X-Content-Length", Long.toString(toSend));
    try (InputStream content =
        UnixFs.open(store, cid, Math.min(offset, size), toSend, "simulator")) {
      ex.startChunked(200, headers);
      responses.streamBody(ex, content, Math.min(offset, size), toSend);
    } catch (MissingBlock e) {
      if (!ex.responseStarted) {
        throw e;
      }
      responses.failMidBody(ex);
    }
  }

  /** The DAG as a CARv1 stream; corrupted blocks flip the stream's last byte (the last block's). */
  void dagExport(BtfsSimHttpServer.Exchange ex) throws IOException {
    Cid cid = cidArg(ex);
    if (faults.contentUnavailable) {
      responses.hangUntilTimeout(ex);
      return;
    }
    store.get(cid);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/vnd.ipld.car");
    headers.put("Trailer", TRAILER);
    ex.startChunked(200, headers);
    BtfsSimResponses.ChunkedOut out = new BtfsSimResponses.ChunkedOut(ex, faults.corruptBlocks);
    try {
      Car.export(store, cid, out);
      out.finish();
      ex.endChunked(Map.of());
    } catch (MissingBlock e) {
      responses.failMidBody(ex);
    }
  }

  void blockGet(BtfsSimHttpServer.Exchange ex) throws IOException {
    Cid cid = cidArg(ex);
    if (faults.contentUnavailable) {
      responses.hangUntilTimeout(ex);
      return;
    }
    byte[] block = responses.maybeCorrupt(cid, store.get(cid));
    ex.sendBytes(200, Map.of("Content-Type", "application/octet-stream"), block);
  }

  void blockStat(BtfsSimHttpServer.Exchange ex) throws IOException {
    Cid cid = cidArg(ex);
    if (faults.contentUnavailable) {
      responses.hangUntilTimeout(ex);
      return;
    }
    responses.json(ex, Map.of("Key", cid.toString(), "Size", store.get(cid).length));
  }

  void filesStat(BtfsSimHttpServer.Exchange ex) throws IOException {
    String arg = required(ex, "arg");
    if (!arg.startsWith("/btfs/")) {
      responses.error(ex, 500, "invalid path \"" + arg + "\": paths must start with /btfs/", 0);
      return;
    }
    Cid cid = Cid.parse(firstSegment(arg.substring("/btfs/".length())));
    if (faults.contentUnavailable) {
      responses.hangUntilTimeout(ex);
      return;
    }
    long size = UnixFs.fileSize(store, cid);
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("Hash", cid.toString());
    answer.put("Size", size);
    answer.put("CumulativeSize", store.get(cid).length + size);
    answer.put("Blocks", 0);
    answer.put("Type", "file");
    responses.json(ex, answer);
  }
}
