package io.btfshybrid.api;

/** The dataset's access policy refused this principal; no key was released. */
public class AccessDeniedException extends HybridStorageException {
  private static final long serialVersionUID = 1L;
  private final String principal;

  /** A refusal of {@code principal}; {@code detail} names the release and its policy. */
  public AccessDeniedException(String principal, String detail) {
    super("access denied for principal '" + principal + "': " + detail);
    this.principal = principal;
  }

  /** The name of the refused principal. */
  public String principal() {
    return principal;
  }
}
