package io.btfshybrid.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.btfshybrid.api.Locator;
import io.btfshybrid.s3.S3Tier;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Both ways of using the extension give a running server to the test. */
class S3ServerExtensionTest {
  @RegisterExtension static final S3ServerExtension s3 = new S3ServerExtension();

  @Test
  void registeredExtensionHandsOutTheSameServerAsAParameter(S3TestServer injected)
      throws IOException {
    assertSame(s3.server(), injected);
    try (S3Tier tier = s3.newTier("cloud")) {
      Locator where = tier.write("k", new ByteArrayInputStream(new byte[] {1, 2}), 2);
      assertEquals(2, tier.stat(where).orElseThrow().size());
    }
  }

  @Nested
  @ExtendWith(S3ServerExtension.class)
  class DeclarativeRegistration {
    @Test
    void serverIsInjected(S3TestServer server) throws IOException {
      try (S3Tier tier = server.newTier("cloud")) {
        assertEquals(Optional.empty(), tier.stat(tier.locate("missing").orElseThrow()));
      }
    }
  }
}
