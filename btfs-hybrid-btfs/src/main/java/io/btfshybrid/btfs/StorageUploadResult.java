package io.btfshybrid.btfs;

import java.util.List;

/**
 * The final state of a paid storage upload: the session, its status ({@code complete}), the node's
 * message, the hosts holding shards and each shard's contract.
 *
 * @param sessionId the storage session's id
 * @param status the session's final status, {@code complete}
 * @param message the node's message about the session
 * @param fileHash the CID the session stored
 * @param hosts the hosts holding shards
 * @param shards each shard's contract
 */
public record StorageUploadResult(
    String sessionId,
    String status,
    String message,
    String fileHash,
    List<String> hosts,
    List<ShardContract> shards) {
  /** Copies the lists, so the result cannot change. */
  public StorageUploadResult {
    hosts = List.copyOf(hosts);
    shards = List.copyOf(shards);
  }

  /**
   * One shard's storage contract as {@code storage/upload/status} reports it.
   *
   * @param shardId the shard's id within the session
   * @param contractId the storage contract's id
   * @param host the host storing the shard
   * @param status the shard's status in the session
   * @param message the node's message about the shard
   * @param contractStatus the node's {@code AdditionalInfo} about the shard (e.g. {@code UPLOADED})
   */
  public record ShardContract(
      String shardId,
      String contractId,
      String host,
      String status,
      String message,
      String contractStatus) {}
}
