package io.btfshybrid.testkit;

import static io.btfshybrid.testkit.BtfsSimResponses.cidArg;
import static io.btfshybrid.testkit.BtfsSimResponses.orDefault;
import static io.btfshybrid.testkit.BtfsSimResponses.required;

import io.btfshybrid.btfs.Cid;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** Paid storage: {@code storage/upload} opens a session, each status poll moves it one step. */
final class BtfsSimStorage {
  private static final String SIMPLE_MODE =
      "this api is not support in simple mode, please check the node's simple mode! ";

  private final BtfsSimBlockStore store;
  private final BtfsSimFaults faults;
  private final BtfsSimResponses responses;
  private final Map<String, StorageSession> sessions = new ConcurrentHashMap<>();

  BtfsSimStorage(BtfsSimBlockStore store, BtfsSimFaults faults, BtfsSimResponses responses) {
    this.store = store;
    this.faults = faults;
    this.responses = responses;
  }

  void upload(BtfsSimHttpServer.Exchange ex) throws IOException {
    if (faults.simpleMode) {
      responses.error(ex, 500, SIMPLE_MODE, 0);
      return;
    }
    Cid cid = cidArg(ex);
    int replication = Integer.parseInt(orDefault(ex.param("replication-factor"), "3"));
    if (!store.has(cid)) {
      responses.error(ex, 500, "file " + cid + " is not held by this node", 0);
      return;
    }
    String id = UUID.randomUUID().toString();
    sessions.put(id, new StorageSession(cid, replication, faults.storageHosts));
    responses.json(ex, Map.of("ID", id));
  }

  void status(BtfsSimHttpServer.Exchange ex) throws IOException {
    if (faults.simpleMode) {
      responses.error(ex, 500, SIMPLE_MODE, 0);
      return;
    }
    String id = required(ex, "arg");
    StorageSession session = sessions.get(id);
    if (session == null) {
      responses.json(
          ex,
          Map.of(
              "Status",
              "init",
              "Message",
              "session not found",
              "AdditionalInfo",
              "",
              "FileHash",
              "",
              "Shards",
              Map.of()));
      return;
    }
    responses.json(ex, session.poll());
  }

  /** A paid-storage session that moves one step per status poll. */
  private static final class StorageSession {
    private static final List<String> STEPS =
        List.of("init", "submit", "pay", "guard", "wait-upload", "complete");
    final Cid cid;
    final int replication;
    final int hostsAvailable;
    int step;

    StorageSession(Cid cid, int replication, int hostsAvailable) {
      this.cid = cid;
      this.replication = replication;
      this.hostsAvailable = hostsAvailable;
    }

    synchronized Map<String, Object> poll() {
      step = Math.min(step + 1, STEPS.size() - 1);
      String status = STEPS.get(step);
      String message = "";
      if (step >= 2 && hostsAvailable < replication) {
        status = "error";
        message = "failed to find more valid hosts, please try again later";
      }
      boolean complete = "complete".equals(status);
      Map<String, Object> shards = new LinkedHashMap<>();
      for (int i = 0; i < replication; i++) {
        Map<String, Object> shard = new LinkedHashMap<>();
        shard.put(
            "ContractID", complete ? "contract-" + i + "-" + cid.toString().substring(0, 12) : "");
        shard.put("Price", 0);
        shard.put("Host", complete ? "16Uiu2HAmSimulatedHost" + i : "");
        shard.put("Status", complete ? "contract" : "init");
        shard.put("Message", "");
        shard.put("AdditionalInfo", complete ? "UPLOADED" : "");
        shards.put(cid + ":" + i, shard);
      }
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("Status", status);
      answer.put("Message", message);
      answer.put("AdditionalInfo", "");
      answer.put("FileHash", cid.toString());
      answer.put("Shards", shards);
      return answer;
    }
  }
}
