package io.btfshybrid.core.config;

/** A configuration file or setting is wrong; the message names the bad value. */
public class ConfigurationException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** An error described by {@code message}. */
  public ConfigurationException(String message) {
    super(message);
  }

  /** An error described by {@code message}, caused by {@code cause}. */
  public ConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
