/**
 * Apache Spark integration: the data source {@code btfs-hybrid} ({@link
 * io.btfshybrid.spark.BtfsHybridSource}) and a read-only Hadoop file system for {@code
 * btfs-hybrid://} ({@link io.btfshybrid.spark.BtfsHybridFileSystem}).
 */
package io.btfshybrid.spark;
