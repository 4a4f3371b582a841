package io.btfshybrid.btfs;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Paid storage: {@code storage/upload}, then {@code storage/upload/status} polled with backoff. */
final class PaidStorage {
  private static final Logger LOG = LoggerFactory.getLogger(PaidStorage.class);

  private final BtfsNode node;
  private final Duration pollInitial;
  private final Duration pollMax;
  private final Duration overall;

  PaidStorage(BtfsNode node, Duration pollInitial, Duration pollMax, Duration overall) {
    this.node = node;
    this.pollInitial = pollInitial;
    this.pollMax = pollMax;
    this.overall = overall;
  }

  StorageUploadResult upload(Cid cid, int replicationFactor, int storageLengthDays)
      throws IOException, InterruptedException {
    if (replicationFactor < 1) {
      throw new IllegalArgumentException(
          "replicationFactor must be >= 1, got " + replicationFactor);
    }
    if (storageLengthDays < 1) {
      throw new IllegalArgumentException(
          "storageLengthDays must be >= 1, got " + storageLengthDays);
    }
    JsonNode started;
    try {
      started =
          node.call("storage/upload")
              .arg(cid)
              .param("replication-factor", Integer.toString(replicationFactor))
              .param("storage-length", Integer.toString(storageLengthDays))
              .json();
    } catch (BtfsNodeException e) {
      PaidStorageException typed = failure(null, e.nodeMessage());
      typed.initCause(e);
      throw typed;
    }
    String session = started.path("ID").asText("");
    if (session.isEmpty()) {
      throw new PaidStorageException(
          PaidStorageException.Reason.FAILED,
          null,
          "storage/upload answered without an ID: " + started);
    }
    long deadline = System.nanoTime() + overall.toNanos();
    Duration delay = pollInitial;
    while (true) {
      JsonNode status;
      try {
        status = node.call("storage/upload/status").arg(session).json(BoundedJson.MAX_REPLY);
      } catch (BtfsNodeException e) {
        PaidStorageException typed = failure(session, e.nodeMessage());
        typed.initCause(e);
        throw typed;
      }
      String state = status.path("Status").asText("");
      LOG.debug("storage session {} of {}: {}", session, cid, state);
      if ("complete".equals(state)) {
        return result(session, status);
      }
      if ("error".equals(state)) {
        throw failure(session, status.path("Message").asText("(no message)"));
      }
      if (System.nanoTime() - deadline > 0) {
        throw new PaidStorageException(
            PaidStorageException.Reason.TIMED_OUT,
            session,
            "still '" + state + "' after " + overall);
      }
      Thread.sleep(delay.toMillis());
      Duration next = delay.multipliedBy(2);
      delay = next.compareTo(pollMax) > 0 ? pollMax : next;
    }
  }

  private static PaidStorageException failure(String session, String message) {
    String m = message.toLowerCase(Locale.ROOT);
    PaidStorageException.Reason reason;
    if (m.contains("simple mode")) {
      reason = PaidStorageException.Reason.SIMPLE_MODE;
    } else if (m.contains("not enabled")) {
      reason = PaidStorageException.Reason.STORAGE_DISABLED;
    } else if (m.contains("host")) {
      reason = PaidStorageException.Reason.NO_HOSTS;
    } else {
      reason = PaidStorageException.Reason.FAILED;
    }
    return new PaidStorageException(reason, session, message);
  }

  private static StorageUploadResult result(String session, JsonNode status) {
    Set<String> hosts = new LinkedHashSet<>();
    List<StorageUploadResult.ShardContract> shards = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = status.path("Shards").properties().iterator();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode s = e.getValue();
      String host = s.path("Host").asText("");
      if (!host.isEmpty()) {
        hosts.add(host);
      }
      shards.add(
          new StorageUploadResult.ShardContract(
              e.getKey(),
              s.path("ContractID").asText(""),
              host,
              s.path("Status").asText(""),
              s.path("Message").asText(""),
              s.path("AdditionalInfo").asText("")));
    }
    return new StorageUploadResult(
        session,
        status.path("Status").asText(),
        status.path("Message").asText(""),
        status.path("FileHash").asText(""),
        new ArrayList<>(hosts),
        shards);
  }
}
