package io.btfshybrid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Micrometer is an optional dependency: with it missing from the class path, publishing, reading,
 * tier health and drills work exactly as before. The SDK's classes are loaded afresh by a class
 * loader that cannot see {@code io.micrometer}.
 */
class WithoutMicrometerTest {
  @TempDir Path tmp;

  /** Defines the SDK's classes itself and hides Micrometer; everything else from the parent. */
  static final class HidingMicrometer extends ClassLoader {
    HidingMicrometer(ClassLoader parent) {
      super(parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (name.startsWith("io.micrometer.")) {
        throw new ClassNotFoundException(name + " is hidden");
      }
      if (!name.startsWith("io.btfshybrid.")) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        if (c == null) {
          try (InputStream in =
              getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
            if (in == null) {
              throw new ClassNotFoundException(name);
            }
            byte[] bytes = in.readAllBytes();
            c = defineClass(name, bytes, 0, bytes.length);
          } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
          }
        }
        return c;
      }
    }

    @Override
    public URL getResource(String name) {
      return name.startsWith("io/micrometer/") ? null : super.getResource(name);
    }
  }

  /** Runs in the hiding class loader: publish, read back, drill; returns the bytes read. */
  public static final class Scenario implements Function<Path, Long> {
    @Override
    public Long apply(Path dir) {
      try {
        Releases.write(dir.resolve("src"), "a.bin", Releases.random(7, Releases.CHUNK * 2 + 5));
        FileTier tier =
            Releases.tier(dir.resolve("tier"), "mirror", io.btfshybrid.api.TierKind.REPLICA);
        ManifestSigner signer = ManifestSigner.generate();
        PublishResult release =
            Releases.publisher(signer, java.util.List.of(tier))
                .publish(dir.resolve("src"), "n", "1");
        TrustRoot trust = TrustRoot.of(signer.publicKeyset());
        long read;
        try (DatasetClient client =
                DatasetClient.builder()
                    .tier(tier)
                    .trust(trust)
                    .healthStateDirectory(dir.resolve("state"))
                    .cacheDirectory(dir.resolve("cache"))
                    .build();
            Dataset ds = client.open(release.manifestUri())) {
          read = Releases.readAll(ds.openShard("a.bin")).length;
        }
        try (ReleaseOperations ops = ReleaseOperations.builder().tier(tier).trust(trust).build()) {
          read += ops.drill(release.manifestUri(), Drill.normal(), 3).bytesRead();
        }
        return read;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Test
  void theSdkWorksWithNoMicrometerOnTheClassPath() throws Exception {
    ClassLoader hiding = new HidingMicrometer(getClass().getClassLoader());
    assertThrows(
        ClassNotFoundException.class,
        () -> Class.forName("io.micrometer.core.instrument.MeterRegistry", false, hiding));
    Class<?> scenario = Class.forName(Scenario.class.getName(), true, hiding);
    assertNotSame(Scenario.class, scenario, "the SDK classes are the hiding loader's own");
    @SuppressWarnings("unchecked") // Scenario implements Function<Path, Long>, loaded twice
    Function<Path, Long> run =
        (Function<Path, Long>) scenario.getDeclaredConstructor().newInstance();
    long read = run.apply(tmp);
    long shard = Releases.CHUNK * 2 + 5;
    assertEquals(4 * shard, read, "one read by the client, three by the drill (whole shard)");
    assertTrue(Files.isRegularFile(tmp.resolve("state").resolve(HealthStateFile.FILE_NAME)));
  }
}
