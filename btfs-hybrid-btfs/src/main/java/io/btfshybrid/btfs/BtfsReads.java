package io.btfshybrid.btfs;

import com.fasterxml.jackson.databind.JsonNode;
import io.btfshybrid.api.HybridStorageException;
import io.btfshybrid.api.IntegrityException;
import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectInfo;
import io.btfshybrid.api.ObjectNotFoundException;
import io.btfshybrid.api.TierChecks;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import org.apache.hc.core5.http.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads: {@code cat} with a fall back to the gateway — a known length in parallel ranges — or
 * (trustless) blocks verified one by one: a whole file from one {@code dag/export} CAR stream, a
 * range from the blocks it covers, fetched ahead in parallel; and the size a node reports.
 */
final class BtfsReads {
  private static final Logger LOG = LoggerFactory.getLogger(BtfsReads.class);

  /** The smallest part of a parallel plain read (below twice this a read is one cat). */
  static final int MIN_PART = 1 << 20;

  /** The largest part of a parallel plain read. */
  static final int MAX_PART = 4 << 20;

  private final BtfsNode node;

  /** Blocks from the node, with the inner nodes of files read before served from a cache. */
  private final BlockSource blocks;

  BtfsReads(BtfsNode node) {
    this.node = node;
    this.blocks = new DagNodeCache(DagNodeCache.DEFAULT_BYTES).over(this::fetchBlock);
  }

  InputStream read(Cid cid, long offset, long requestedLength) throws IOException {
    TierChecks.range(offset, requestedLength);
    // a range past the end reads to the end (and offset + length must not overflow)
    long length = requestedLength > Long.MAX_VALUE - offset ? -1 : requestedLength;
    Locator where = node.locator(cid);
    if (node.trustless()) {
      if (offset == 0 && length < 0) {
        Optional<CarBlockSource> car = exportedCar(cid, where, blocks);
        if (car.isPresent()) {
          try {
            return new UnixFsReader(car.get(), cid, 0, -1, node.id(), car.get());
          } catch (IOException | RuntimeException e) {
            car.get().close();
            throw e;
          }
        }
      }
      if (!node.reads().parallel()) {
        return UnixFs.open(blocks, cid, offset, length, node.id());
      }
      PrefetchingBlocks ahead =
          new PrefetchingBlocks(
              blocks,
              (start, partLength) -> catPart(where, cid, start, partLength),
              // a range rarely starts and ends on leaf boundaries: room for the two partial leaves
              // keeps the runs within one wave of the parallelism
              partSize(
                  length < 0 || length > Long.MAX_VALUE / 2
                      ? Long.MAX_VALUE
                      : length + 2L * CidProfile.CHUNK_SIZE),
              node.reads(),
              cid,
              offset,
              length);
      try {
        return new UnixFsReader(ahead, cid, offset, length, node.id(), ahead);
      } catch (IOException | RuntimeException e) {
        ahead.close();
        throw e;
      }
    }
    if (length == 0) {
      return InputStream.nullInputStream();
    }
    if (length >= 2 * MIN_PART && node.reads().parallel()) {
      return new RangedParts(
          (start, partLength) -> catPart(where, cid, start, partLength),
          node.reads(),
          offset,
          length,
          partSize(length));
    }
    return plain(where, cid, offset, length);
  }

  /**
   * The size of each part of a parallel plain read: the length shared out over the parallelism,
   * whole chunks, between {@link #MIN_PART} and {@link #MAX_PART}.
   */
  private int partSize(long length) {
    long share = length / node.reads().parallelism();
    long chunks = (share + CidProfile.CHUNK_SIZE - 1) / CidProfile.CHUNK_SIZE;
    return (int) Math.max(MIN_PART, Math.min(MAX_PART, chunks * CidProfile.CHUNK_SIZE));
  }

  /**
   * One part of a parallel plain read: exactly {@code length} bytes from {@code start}, fewer only
   * where the content ends (checked against its size), none when it starts at or past the end.
   */
  private byte[] catPart(Locator where, Cid cid, long start, int length) throws IOException {
    try (InputStream in = plain(where, cid, start, length)) {
      byte[] part = in.readNBytes(length);
      if (in.read() >= 0) {
        throw new HybridStorageException(
            "cat of " + where + " sent more than the " + length + " bytes asked for");
      }
      return part;
    } catch (IOException failed) {
      if (start > 0 && !(failed instanceof IntegrityException)) {
        long size;
        try {
          size = statSize(cid, where);
        } catch (IOException statFailed) {
          failed.addSuppressed(statFailed);
          throw failed;
        }
        if (start >= size) {
          return new byte[0]; // a part past the end of a range that ran past it
        }
      }
      throw failed;
    }
  }

  /** {@code cat} of a range, falling back to the gateway when the API fails. */
  private InputStream plain(Locator where, Cid cid, long offset, long length) throws IOException {
    try {
      return cat(where, cid, offset, length);
    } catch (IOException apiFailure) {
      if (node.gatewayUrl() == null) {
        throw apiFailure;
      }
      LOG.debug(
          "cat of {} on tier {} failed ({}); trying the gateway",
          cid,
          node.id(),
          apiFailure.toString());
      try {
        return GatewayReads.range(node, where, cid, offset, length);
      } catch (IOException gatewayFailure) {
        throw moreTelling(apiFailure, gatewayFailure);
      }
    }
  }

  private InputStream cat(Locator where, Cid cid, long offset, long length) throws IOException {
    NodeCall cat =
        node.call("cat").arg(cid).param("offset", Long.toString(offset)).withNodeTimeout();
    if (length >= 0) {
      cat.param("length", Long.toString(length));
    }
    NodeReply reply = cat.about(where).open();
    long announced = announcedLength(reply);
    CheckedBodyStream.ExpectedLength expected =
        () -> {
          if (announced >= 0 && length < 0) {
            return announced;
          }
          long size = statSize(cid, where);
          long left = Math.max(0, size - offset);
          return length < 0 ? left : Math.min(length, left);
        };
    return new CheckedBodyStream(reply, reply.body(), "cat", where, length, expected);
  }

  /** The {@code X-Content-Length} go-btfs sends with cat, or -1 when absent or unreadable. */
  private static long announcedLength(NodeReply reply) {
    Header h = reply.header("X-Content-Length");
    try {
      return h == null ? -1 : Long.parseLong(h.getValue().trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * The whole DAG as one {@code dag/export} CAR stream, its blocks handed out in order (and any
   * other block fetched one by one); empty when the node cannot export, so blocks are fetched one
   * by one from the start.
   */
  private Optional<CarBlockSource> exportedCar(Cid cid, Locator where, BlockSource blocks)
      throws IOException {
    NodeReply reply;
    try {
      reply = node.call("dag/export").arg(cid).withNodeTimeout().about(where).open();
    } catch (ObjectNotFoundException e) {
      if (e.getCause() instanceof BtfsNodeException refused && refused.httpStatus() != 500) {
        return cannotExport(cid, refused);
      }
      throw e;
    } catch (BtfsNodeException e) {
      return cannotExport(cid, e);
    }
    return Optional.of(new CarBlockSource(reply.body(), reply, blocks));
  }

  private Optional<CarBlockSource> cannotExport(Cid cid, BtfsNodeException e) {
    LOG.debug(
        "dag/export of {} on tier {} failed ({}); fetching blocks one by one",
        cid,
        node.id(),
        e.getMessage());
    return Optional.empty();
  }

  /** One block, fetched from the API and else the gateway, not yet verified. */
  private byte[] fetchBlock(Cid cid) throws IOException {
    Locator blockLocator = node.locator(cid);
    try {
      return blockFromApi(cid, blockLocator);
    } catch (IOException apiFailure) {
      if (node.gatewayUrl() == null) {
        throw apiFailure;
      }
      try {
        return GatewayReads.rawBlock(node, blockLocator, cid);
      } catch (IOException gatewayFailure) {
        throw moreTelling(apiFailure, gatewayFailure);
      }
    }
  }

  /**
   * The failure to report when both the API and the gateway failed: the API's, unless the API could
   * not even be reached; the other is attached as suppressed.
   */
  private static IOException moreTelling(IOException apiFailure, IOException gatewayFailure) {
    boolean apiUnreachable = apiFailure instanceof BtfsNodeException e && e.httpStatus() == 0;
    IOException first = apiUnreachable ? gatewayFailure : apiFailure;
    first.addSuppressed(apiUnreachable ? apiFailure : gatewayFailure);
    return first;
  }

  private byte[] blockFromApi(Cid cid, Locator where) throws IOException {
    try (NodeReply reply = node.call("block/get").arg(cid).withNodeTimeout().about(where).open()) {
      byte[] block = reply.readAtMost("block/get", UnixFsReader.MAX_BLOCK_SIZE);
      String streamError = reply.trailer(CheckedBodyStream.STREAM_ERROR_TRAILER);
      if (streamError != null && !streamError.isBlank()) {
        throw NodeErrors.forContent(
            where, new BtfsNodeException("block/get", 200, streamError, -1));
      }
      return block;
    }
  }

  /** The bytes of one block, verified against {@code cid}. */
  byte[] blockGet(Cid cid) throws IOException {
    byte[] block = fetchBlock(cid);
    if (!cid.matches(block)) {
      throw new IntegrityException(
          cid.toString(), 0, node.id(), "block " + cid + " does not hash to its CID");
    }
    return block;
  }

  Optional<ObjectInfo> stat(Cid cid) throws IOException {
    Locator where = node.locator(cid);
    try {
      long size = node.trustless() ? UnixFs.fileSize(blocks, cid) : statSize(cid, where);
      return Optional.of(new ObjectInfo(where, size));
    } catch (ObjectNotFoundException e) {
      return Optional.empty();
    }
  }

  /**
   * The file size the node reports: {@code block/stat} for a raw block, else {@code files/stat}.
   */
  private long statSize(Cid cid, Locator where) throws IOException {
    NodeCall stat =
        cid.codec() == Cid.RAW
            ? node.call("block/stat").arg(cid)
            : node.call("files/stat").arg("/" + node.pathNamespace() + "/" + cid);
    JsonNode answer = stat.withNodeTimeout().about(where).json();
    JsonNode size = answer.get("Size");
    if (size == null || (!size.canConvertToLong() && !size.isTextual())) {
      throw new BtfsNodeException("stat", 200, "no Size in " + answer, -1);
    }
    try {
      return size.isTextual() ? Long.parseLong(size.asText()) : size.asLong();
    } catch (NumberFormatException e) {
      throw new BtfsNodeException("stat", 200, "unreadable Size in " + answer, -1);
    }
  }
}
