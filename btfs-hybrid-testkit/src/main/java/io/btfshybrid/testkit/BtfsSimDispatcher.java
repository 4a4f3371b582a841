package io.btfshybrid.testkit;

import io.btfshybrid.testkit.BtfsSimBlockStore.MissingBlock;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Routes each request (the simulator's {@code Dispatcher}): the gateway under {@code /btfs/}, RPCs
 * under {@code /api/v1} and {@code /api/v0} to their command, refusing what go-btfs refuses (GETs,
 * go-btfs user agents) and failing everything while {@code failAllRequests} is on; holds the
 * commands the {@link BtfsSimGate} holds. Counts requests per command and the most answered at
 * once, and remembers the last User-Agent.
 */
final class BtfsSimDispatcher implements BtfsSimHttpServer.Handler {
  private final BtfsSimFaults faults;
  private final BtfsSimResponses responses;
  private final BtfsSimContent content;
  private final BtfsSimPins pins;
  private final BtfsSimStorage storage;
  private final BtfsSimGateway gateway;
  private final BtfsSimGate gate;
  private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> peaks = new ConcurrentHashMap<>();
  private volatile String lastUserAgent;

  BtfsSimDispatcher(BtfsSimBlockStore store, BtfsSimFaults faults, BtfsSimGate gate) {
    this.faults = faults;
    this.gate = gate;
    this.responses = new BtfsSimResponses(faults);
    this.content = new BtfsSimContent(store, faults, responses);
    this.pins = new BtfsSimPins(store, faults, responses);
    this.storage = new BtfsSimStorage(store, faults, responses);
    this.gateway = new BtfsSimGateway(store, faults, responses);
  }

  BtfsSimContent content() {
    return content;
  }

  int requestCount(String command) {
    AtomicInteger n = requests.get(command);
    return n == null ? 0 : n.get();
  }

  /** The most requests of {@code command} that were being answered at the same time. */
  int peakConcurrency(String command) {
    AtomicInteger n = peaks.get(command);
    return n == null ? 0 : n.get();
  }

  /** Forgets the peaks. */
  void resetPeaks() {
    peaks.clear();
  }

  String lastUserAgent() {
    return lastUserAgent;
  }

  @Override
  public void handle(BtfsSimHttpServer.Exchange ex) throws IOException {
    lastUserAgent = ex.headers.get("user-agent");
    String path = ex.path;
    if (path.startsWith("/btfs/") && "GET".equals(ex.method)) {
      count("gateway");
      gateway.get(ex, path.substring("/btfs/".length()));
      return;
    }
    if (!path.startsWith("/api/v1/") && !path.startsWith("/api/v0/")) {
      refuse(ex, 404, "404 page not found");
      return;
    }
    String command = path.substring("/api/v1/".length());
    count(command);
    if (!"POST".equals(ex.method)) {
      refuse(ex, 405, "405 - Method Not Allowed");
      return;
    }
    String agent = lastUserAgent;
    if (agent != null && agent.contains("/go-btfs/")) {
      refuse(ex, 403, "403 - Forbidden: a go-btfs user agent from a remote client");
      return;
    }
    if (faults.failAllRequests) {
      ex.drainRequest();
      responses.error(ex, 500, "simulated internal error", 0);
      return;
    }
    AtomicInteger running = inFlight.computeIfAbsent(command, k -> new AtomicInteger());
    int now = running.incrementAndGet();
    peaks.computeIfAbsent(command, k -> new AtomicInteger()).accumulateAndGet(now, Math::max);
    try {
      if (gate.holds(command)) {
        gate.pass(command);
      }
      command(ex, command);
    } catch (MissingBlock e) {
      if (!ex.responseStarted) {
        responses.hangUntilTimeout(ex);
      }
    } catch (IllegalArgumentException e) {
      if (!ex.responseStarted) {
        responses.error(ex, 400, e.getMessage(), 1);
      }
    } finally {
      running.decrementAndGet();
    }
  }

  private void command(BtfsSimHttpServer.Exchange ex, String command) throws IOException {
    switch (command) {
      case "add" -> content.add(ex);
      case "cat" -> content.cat(ex);
      case "block/get" -> content.blockGet(ex);
      case "block/stat" -> content.blockStat(ex);
      case "files/stat" -> content.filesStat(ex);
      case "dag/export" -> content.dagExport(ex);
      case "pin/add" -> pins.add(ex);
      case "pin/rm" -> pins.rm(ex);
      case "pin/ls" -> pins.ls(ex);
      case "id" ->
          responses.json(
              ex,
              Map.of("ID", "16Uiu2HAmSimulatedBtfsNode", "AgentVersion", "btfs-node-simulator"));
      case "version" -> responses.json(ex, Map.of("Version", "simulator", "Repo", "10"));
      case "storage/upload" -> storage.upload(ex);
      case "storage/upload/status" -> storage.status(ex);
      default -> refuse(ex, 404, "404 page not found");
    }
  }

  private static void refuse(BtfsSimHttpServer.Exchange ex, int status, String text)
      throws IOException {
    ex.drainRequest();
    ex.sendText(status, "text/plain", text);
  }

  private void count(String command) {
    requests.computeIfAbsent(command, k -> new AtomicInteger()).incrementAndGet();
  }
}
