package io.btfshybrid.bench;

import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The trial shape every JMH benchmark here shares (JMH reads these annotations from the
 * superclass): 3 warm-up and 5 measured iterations of 2 s in one forked JVM with a 1 GiB heap and
 * quiet logging.
 */
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {
      "-Xmx1g",
      "-Dslf4j.provider=org.slf4j.simple.SimpleServiceProvider",
      "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"
    })
public abstract class JmhTrial {}
