package io.btfshybrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Progress moves within one file (bytes, rate, ETA), and stays silent off a terminal. */
class ProgressBarTest {
  static final long MIB = 1 << 20;

  @Test
  void redrawsAdvanceWithinASingleFile() {
    AtomicLong clock = new AtomicLong();
    StringWriter text = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(text), true, clock::get);
    bar.total(10 * MIB); // one 10 MiB file
    for (int i = 0; i < 5; i++) {
      clock.addAndGet(1_000_000_000L); // 1 MiB per second
      bar.advance(MIB);
    }
    List<String> frames =
        Arrays.stream(text.toString().split("\r")).filter(f -> !f.isBlank()).toList();
    assertEquals(5, frames.size(), text.toString());
    assertTrue(frames.get(0).contains("1.0 MiB / 10.0 MiB"), frames.get(0));
    assertTrue(frames.get(4).contains("5.0 MiB / 10.0 MiB"), frames.get(4));
    assertTrue(frames.get(4).contains("1 MB/s"), frames.get(4));
    assertTrue(frames.get(4).contains("ETA 5s"), frames.get(4));
  }

  @Test
  void redrawsAtMostFiveTimesASecond() {
    AtomicLong clock = new AtomicLong();
    StringWriter text = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(text), true, clock::get);
    bar.total(100 * MIB);
    for (int i = 0; i < 100; i++) {
      clock.addAndGet(10_000_000L); // 10 ms apart: one second in all
      bar.advance(MIB);
    }
    long frames = text.toString().chars().filter(c -> c == '\r').count();
    assertTrue(frames >= 5 && frames <= 6, frames + " redraws");
  }

  @Test
  void silentWhenNotATerminalOrWithJson() {
    StringWriter text = new StringWriter();
    ProgressBar off = new ProgressBar(new PrintWriter(text), false, System::nanoTime);
    off.total(MIB);
    off.advance(MIB);
    off.progress("upload", MIB, MIB);
    off.finish();
    ProgressBar json = ProgressBar.forTerminal(new PrintWriter(text), true);
    json.total(MIB);
    json.advance(MIB);
    json.finish();
    assertEquals("", text.toString());
  }
}
