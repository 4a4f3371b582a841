package io.btfshybrid.api;

import java.io.IOException;

/**
 * An optional capability of content-addressed tiers that keep objects only while they are pinned
 * (BTFS): operations ask it whether a copy is pinned, re-pin it, and where given bytes would land
 * without storing them (so a document that no manifest names, such as the manifest itself, can be
 * found by its content).
 */
public interface PinnedStorage {
  /** Whether the object at {@code where} is pinned, i.e. kept through garbage collection. */
  boolean isPinned(Locator where) throws IOException;

  /** Pins the object at {@code where} (fetching it first if the node lacks blocks). */
  void pin(Locator where) throws IOException;

  /** The locator a write of exactly {@code content} would return, computed without storing. */
  Locator locatorOf(byte[] content) throws IOException;
}
