package io.btfshybrid.testkit;

import io.btfshybrid.s3.S3Tier;
import java.io.IOException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension running one {@link S3TestServer} per test class (per test when registered on an
 * instance field); tests take the server as a parameter or through {@link #server()}.
 *
 * <pre>{@code
 * @RegisterExtension static final S3ServerExtension s3 = new S3ServerExtension();
 * try (S3Tier cloud = s3.server().newTier("cloud")) { … }
 * // or: @ExtendWith(S3ServerExtension.class) … void test(S3TestServer s3) { … }
 * }</pre>
 */
public final class S3ServerExtension
    implements BeforeAllCallback,
        AfterAllCallback,
        BeforeEachCallback,
        AfterEachCallback,
        ParameterResolver {
  private S3TestServer server;
  private boolean startedForOneTest;

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    if (server == null) {
      server = S3TestServer.start();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    stop();
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    if (server == null) {
      server = S3TestServer.start();
      startedForOneTest = true;
    }
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    if (startedForOneTest) {
      startedForOneTest = false;
      stop();
    }
  }

  /** The running server. */
  public S3TestServer server() {
    if (server == null) {
      throw new IllegalStateException("the S3 test server runs only inside a test class");
    }
    return server;
  }

  /** A ready tier on the server's bucket; the caller closes it. */
  public S3Tier newTier(String id) throws IOException {
    return server().newTier(id);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == S3TestServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    if (server == null) {
      try {
        beforeAll(context);
      } catch (IOException e) {
        throw new IllegalStateException("could not start the S3 test server: " + e.getMessage(), e);
      }
    }
    return server;
  }

  private void stop() throws IOException {
    S3TestServer running = server;
    server = null;
    if (running != null) {
      running.close();
    }
  }
}
