package io.btfshybrid.cli;

import java.util.concurrent.Callable;

/**
 * A subcommand another module adds to {@code btfs-hybrid}. {@link Main} finds every implementation
 * on the class path with {@link java.util.ServiceLoader}, so the command line itself carries none
 * of what such a subcommand needs: {@code btfs-hybrid-demo} adds {@code demo} and its in-process S3
 * server and BTFS node simulator only to its own jar.
 *
 * <p>An implementation is a picocli {@code @Command} with a public no-argument constructor, listed
 * in {@code META-INF/services/io.btfshybrid.cli.Subcommand}; {@link #call()} returns an exit code
 * from {@link ExitCodes}, and exceptions map to exit codes as for every other command.
 */
public interface Subcommand extends Callable<Integer> {}
