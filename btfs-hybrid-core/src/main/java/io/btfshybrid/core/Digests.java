package io.btfshybrid.core;

import com.google.common.io.BaseEncoding;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 helpers; every hash in a manifest is lowercase hex SHA-256. */
final class Digests {
  private static final BaseEncoding HEX = BaseEncoding.base16().lowerCase();

  private Digests() {}

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  static String sha256Hex(byte[] bytes) {
    return hex(sha256().digest(bytes));
  }

  static String sha256Hex(byte[] bytes, int offset, int length) {
    MessageDigest md = sha256();
    md.update(bytes, offset, length);
    return hex(md.digest());
  }

  static String hex(byte[] bytes) {
    return HEX.encode(bytes);
  }

  static byte[] fromHex(String hex) {
    return HEX.decode(hex);
  }

  static boolean isSha256Hex(String value) {
    return value != null && value.length() == 64 && HEX.canDecode(value);
  }

  /** Constant-time comparison of a digest with an expected lowercase hex string. */
  static boolean matches(byte[] digest, String expectedHex) {
    return isSha256Hex(expectedHex) && MessageDigest.isEqual(digest, fromHex(expectedHex));
  }
}
