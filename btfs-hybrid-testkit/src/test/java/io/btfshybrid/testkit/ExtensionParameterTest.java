package io.btfshybrid.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.btfshybrid.api.TierKind;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The extension also works through {@code @ExtendWith}, handed to the test as a parameter. */
@ExtendWith(HybridStorageExtension.class)
class ExtensionParameterTest {
  @Test
  void theExtensionIsInjectedWithAFreshDirectory(HybridStorageExtension storage) {
    assertTrue(Files.isDirectory(storage.root()));
    assertEquals(TierKind.CLOUD, storage.memoryTier("m", TierKind.CLOUD).kind());
    assertTrue(storage.cacheDirectory().startsWith(storage.root()));
  }
}
