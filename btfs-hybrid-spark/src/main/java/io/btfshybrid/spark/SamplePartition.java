package io.btfshybrid.spark;

import java.util.List;
import org.apache.spark.sql.connector.read.InputPartition;

/**
 * The samples of a group of shards in index order, or ({@code rank >= 0}, no shards) one rank's
 * share of an epoch in the loader's order.
 */
record SamplePartition(ReleasePin pin, List<String> shards, int rank) implements InputPartition {}
