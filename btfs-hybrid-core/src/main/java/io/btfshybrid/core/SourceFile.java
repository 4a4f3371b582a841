package io.btfshybrid.core;

import java.nio.file.Path;

/** One file to publish: where it is read from, its shard path and its size when listed. */
record SourceFile(Path path, String relative, long size) {}
