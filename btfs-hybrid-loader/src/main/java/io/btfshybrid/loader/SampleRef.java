package io.btfshybrid.loader;

/** Where a sample is: its shard (manifest order), its index in that shard, its global index. */
public record SampleRef(int shard, long indexInShard, long globalIndex) {}
