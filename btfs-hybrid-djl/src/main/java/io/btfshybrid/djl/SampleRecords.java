package io.btfshybrid.djl;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Record;
import io.btfshybrid.loader.Sample;
import java.io.IOException;
import java.nio.ByteBuffer;

/** Turns a verified sample into a DJL {@link Record} (data and labels) on a manager. */
@FunctionalInterface
public interface SampleRecords {
  /** The record of {@code sample}, its arrays attached to {@code manager}. */
  Record toRecord(NDManager manager, Sample sample) throws IOException;

  /** The default: the sample's bytes as one uint8 vector of its length, no labels. */
  static SampleRecords bytes() {
    return (manager, sample) -> {
      ByteBuffer b = sample.bytes();
      ByteBuffer direct = ByteBuffer.allocateDirect(b.remaining());
      direct.put(b.duplicate()).flip();
      return new Record(
          new NDList(manager.create(direct, new Shape(direct.remaining()), DataType.UINT8)),
          new NDList());
    };
  }
}
