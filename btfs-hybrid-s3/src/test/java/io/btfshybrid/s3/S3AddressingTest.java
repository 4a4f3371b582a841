package io.btfshybrid.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Key encoding as SigV4 and S3 want it, for path-style and virtual-hosted addressing. */
class S3AddressingTest {
  private final S3Addressing pathStyle =
      new S3Addressing(URI.create("http://127.0.0.1:9000"), "data", true);
  private final S3Addressing virtualHosted =
      new S3Addressing(URI.create("https://s3.eu-west-1.amazonaws.com:443"), "data", false);

  @Test
  void keepsSlashesAndUnreservedCharactersAndEncodesTheRest() {
    assertEquals(
        "/data/a%20b/c%2Bd/%C3%A9t%C3%A9/x~y/z_-.%25%3F%23",
        pathStyle.path("a b/c+d/été/x~y/z_-.%?#"));
  }

  @Test
  void pathStyleCarriesTheBucketInThePathAndThePortInTheHost() {
    assertEquals("127.0.0.1:9000", pathStyle.hostHeader());
    assertEquals("/data", pathStyle.path(null));
    assertEquals(
        URI.create("http://127.0.0.1:9000/data/k%201"), pathStyle.uri("k 1", new TreeMap<>()));
  }

  @Test
  void virtualHostedCarriesTheBucketInTheHostAndDropsTheDefaultPort() {
    assertEquals("data.s3.eu-west-1.amazonaws.com", virtualHosted.hostHeader());
    assertEquals("/", virtualHosted.path(null));
    assertEquals("/nested/key", virtualHosted.path("nested/key"));
  }

  @Test
  void queryIsSortedAndEncodesSlashesInValues() {
    SortedMap<String, String> query = new TreeMap<>();
    query.put("prefix", "a b/c");
    query.put("list-type", "2");
    query.put("continuation-token", "x+y=");
    assertEquals(
        "continuation-token=x%2By%3D&list-type=2&prefix=a%20b%2Fc", S3Addressing.query(query));
  }

  @Test
  void refusesANonHttpEndpoint() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new S3Addressing(URI.create("ftp://host"), "data", true));
    assertEquals(
        "S3 endpoint must be an http or https URL with a host, was 'ftp://host'", e.getMessage());
  }
}
