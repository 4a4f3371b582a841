package io.btfshybrid.btfs;

import java.util.List;

/**
 * The final state of a paid storage upload: the session, its status ({@code complete}), the node's
 * message, the hosts holding shards and each shard's contract.
 */
public record StorageUploadResult(
    String sessionId,
    String status,
    String message,
    String fileHash,
    List<String> hosts,
    List<ShardContract> shards) {
  public StorageUploadResult {
    hosts = List.copyOf(hosts);
    shards = List.copyOf(shards);
  }

  /** One shard's storage contract as {@code storage/upload/status} reports it. */
  public record ShardContract(
      String shardId,
      String contractId,
      String host,
      String status,
      String message,
      String contractStatus) {}
}
