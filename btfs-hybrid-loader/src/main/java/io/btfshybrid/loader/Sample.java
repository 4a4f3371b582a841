package io.btfshybrid.loader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Map;

/** One verified sample; valid until its batch is closed. */
public interface Sample {
  /** Where it is. */
  SampleRef ref();

  /** The path of its shard in the release. */
  String shardPath();

  /** Its key: the tar key, the line number (jsonl), or the shard path without extension (raw). */
  String key();

  /** Its length in bytes (for tar: its members' contents together). */
  long length();

  /** Its bytes (for tar: its members' contents concatenated in tar order), read-only. */
  ByteBuffer bytes() throws IOException;

  /** Its bytes as a stream. */
  InputStream openStream() throws IOException;

  /** Its fields by extension without the leading dot (jsonl: {@code json}; raw: the extension). */
  Map<String, ByteBuffer> fields() throws IOException;
}
