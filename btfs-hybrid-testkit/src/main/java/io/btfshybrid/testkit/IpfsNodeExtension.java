package io.btfshybrid.testkit;

import java.io.IOException;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension sharing one real js-ipfs {@link IpfsNode} (from {@link
 * IpfsNode#findDirectory()}) across the whole test run, started before the first class that uses it
 * and stopped when the run ends; injects it as an {@link IpfsNode} parameter. Fails loudly, never
 * skips, when npm or the node cannot start.
 */
public final class IpfsNodeExtension implements BeforeAllCallback, ParameterResolver {
  /** Starts the shared node if it is not running yet. */
  @Override
  public void beforeAll(ExtensionContext context) {
    node(context);
  }

  /** Whether the parameter is an {@link IpfsNode}. */
  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
    return p.getParameter().getType() == IpfsNode.class;
  }

  /** The shared node. */
  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext e) {
    return node(e);
  }

  private static IpfsNode node(ExtensionContext context) {
    // the root store closes an AutoCloseable value when the run ends
    return context
        .getRoot()
        .getStore(ExtensionContext.Namespace.create(IpfsNodeExtension.class))
        .getOrComputeIfAbsent(IpfsNode.class, k -> start(), IpfsNode.class);
  }

  private static IpfsNode start() {
    try {
      return IpfsNode.start(IpfsNode.findDirectory());
    } catch (IOException e) {
      throw new IllegalStateException("could not start the js-ipfs test node: " + e, e);
    }
  }
}
