package io.btfshybrid.spark;

import java.util.List;
import org.apache.spark.sql.connector.read.InputPartition;

/** A group of shards of one release, read by one task. */
record ShardPartition(ReleasePin pin, List<String> shards) implements InputPartition {}
