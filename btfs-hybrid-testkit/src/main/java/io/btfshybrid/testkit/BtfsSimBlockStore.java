package io.btfshybrid.testkit;

import io.btfshybrid.api.Locator;
import io.btfshybrid.api.ObjectNotFoundException;
import io.btfshybrid.btfs.BlockSource;
import io.btfshybrid.btfs.Cid;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** The simulator's blocks and pins, one file each under a directory, named by multihash. */
final class BtfsSimBlockStore implements BlockSource {
  private final Path dir;

  BtfsSimBlockStore(Path dir) throws IOException {
    this.dir = dir;
    Files.createDirectories(dir.resolve("blocks"));
    Files.createDirectories(dir.resolve("pins"));
  }

  private Path blockPath(Cid cid) {
    return dir.resolve("blocks").resolve(HexFormat.of().formatHex(cid.multihash()));
  }

  private Path pinPath(Cid cid) {
    return dir.resolve("pins").resolve(HexFormat.of().formatHex(cid.multihash()));
  }

  /** Stores a block (atomically, once). */
  void put(Cid cid, byte[] block) throws IOException {
    Path target = blockPath(cid);
    if (Files.exists(target)) {
      return;
    }
    Path tmp = Files.createTempFile(target.getParent(), ".put-", ".tmp");
    Files.write(tmp, block);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** A block from disk; a missing block is a {@link MissingBlock}. */
  @Override
  public byte[] get(Cid cid) throws IOException {
    try {
      return Files.readAllBytes(blockPath(cid));
    } catch (NoSuchFileException e) {
      throw new MissingBlock(cid);
    }
  }

  boolean has(Cid cid) {
    return Files.exists(blockPath(cid));
  }

  void remove(Cid cid) throws IOException {
    Files.deleteIfExists(blockPath(cid));
  }

  boolean isPinned(Cid cid) {
    return Files.exists(pinPath(cid));
  }

  void pin(Cid cid) throws IOException {
    Files.write(pinPath(cid), cid.toString().getBytes(StandardCharsets.US_ASCII));
  }

  /** Removes the pin; false when there was none. */
  boolean unpin(Cid cid) throws IOException {
    return Files.deleteIfExists(pinPath(cid));
  }

  /** Every pinned CID, as text. */
  List<String> pins() throws IOException {
    List<String> out = new ArrayList<>();
    try (var pins = Files.list(dir.resolve("pins"))) {
      for (Path p : pins.toList()) {
        out.add(Files.readString(p).trim());
      }
    }
    return out;
  }

  /** Thrown inside the simulator when a block is not held: the node would look for it forever. */
  static final class MissingBlock extends ObjectNotFoundException {
    private static final long serialVersionUID = 1L;

    MissingBlock(Cid cid) {
      super(new Locator("simulator", URI.create("btfs://" + cid)), "block not held");
    }
  }
}
