package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key files that fail to load are named, but nothing of their content is printed. */
class SecretsNotPrintedTest {
  static final String SECRET = "AbCdSecretKeyMaterial0123456789";

  @TempDir Path tmp;

  /** The exception's message and its whole printed stack trace, causes included. */
  static String printed(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return t.getMessage() + "\n" + out;
  }

  @Test
  void aBrokenKekFileIsNamedWithoutQuotingItsContent() throws IOException {
    Path notJson = tmp.resolve("broken.json");
    Files.writeString(notJson, "{\"format\": " + SECRET + "}");
    Path badKeyset = tmp.resolve("bad-keyset.json");
    Files.writeString(
        badKeyset,
        "{\"format\":\"btfs-hybrid-keks-v1\",\"keks\":{\"kek-1\":\"{\\\"primaryKeyId\\\":1,"
            + "\\\"key\\\":[{\\\"keyData\\\":{\\\"value\\\":\\\""
            + SECRET
            + "\\\"}}]\"}}");
    for (Path file : new Path[] {notJson, badKeyset}) {
      InvalidKeysetException e =
          assertThrows(InvalidKeysetException.class, () -> LocalKeyManagementService.load(file));
      String shown = printed(e);
      assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
      assertFalse(shown.contains(SECRET), shown);
    }
  }

  @Test
  void aBrokenSigningKeyFileIsNamedWithoutQuotingItsContent() throws IOException {
    Path file = tmp.resolve("signer.json");
    Files.writeString(
        file, "{\"primaryKeyId\":1,\"key\":[{\"keyData\":{\"value\":\"" + SECRET + "\"}, oops");
    IOException e = assertThrows(IOException.class, () -> ManifestSigner.load(file));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertFalse(printed(e).contains(SECRET), printed(e));
  }

  @Test
  void aSignerPrintsItsKeyIdOnly() throws IOException {
    ManifestSigner signer = ManifestSigner.generate();
    Path file = tmp.resolve("key.json");
    signer.save(file);
    String json = Files.readString(file, StandardCharsets.UTF_8);
    String value = json.replaceAll("(?s).*\"value\"\\s*:\\s*\"([^\"]+)\".*", "$1");
    assertTrue(value.length() > 20 && !value.equals(json), "found the private key value");
    assertFalse(signer.toString().contains(value), signer.toString());
    assertTrue(signer.toString().contains(signer.keyId()), signer.toString());
    String kms = LocalKeyManagementService.generate(tmp.resolve("keks.json"), "kek-1").toString();
    String kekJson = Files.readString(tmp.resolve("keks.json"), StandardCharsets.UTF_8);
    assertTrue(kekJson.length() > 100);
    for (String line : kekJson.split("\\\\\"")) {
      if (line.length() > 30) {
        assertFalse(kms.contains(line), kms);
      }
    }
  }
}
