package io.btfshybrid.testkit;

import io.btfshybrid.btfs.BtfsTier;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension running one {@link BtfsNodeSimulator} per test class, with every fault switched
 * off before each test; tests take the simulator as a parameter or through {@link #simulator()},
 * and {@link #tier(String)} gives a {@link BtfsTier} wired to it.
 *
 * <pre>{@code
 * @RegisterExtension static final BtfsNodeExtension btfs = new BtfsNodeExtension();
 * BtfsTier tier = btfs.tier("btfs");
 * }</pre>
 */
public final class BtfsNodeExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, ParameterResolver {
  private BtfsNodeSimulator simulator;

  /** Starts the simulator for the test class. */
  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    simulator = BtfsNodeSimulator.start();
  }

  /** Stops the simulator and deletes its blocks. */
  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    if (simulator != null) {
      simulator.close();
      simulator = null;
    }
  }

  /** Switches every fault off before each test. */
  @Override
  public void beforeEach(ExtensionContext context) {
    simulator().resetFaults();
  }

  /** The running simulator. */
  public BtfsNodeSimulator simulator() {
    if (simulator == null) {
      throw new IllegalStateException("the BTFS node simulator runs only inside a test class");
    }
    return simulator;
  }

  /** A builder for a tier on the simulator (API and gateway), with a 2 s request timeout. */
  public BtfsTier.Builder tierBuilder(String id) {
    return BtfsTier.builder()
        .id(id)
        .apiUrl(simulator().apiUrl())
        .requestTimeout(Duration.ofSeconds(2));
  }

  /** A tier on the simulator's API. */
  public BtfsTier tier(String id) {
    return tierBuilder(id).build();
  }

  /** Resolves parameters of type {@link BtfsNodeSimulator}. */
  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
    return p.getParameter().getType() == BtfsNodeSimulator.class;
  }

  /** The running simulator. */
  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext e) {
    return simulator();
  }
}
