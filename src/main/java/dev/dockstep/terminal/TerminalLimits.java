package dev.dockstep.terminal;

import java.time.Duration;

/**
 * How much the terminals may hold and do; every bound lives here.
 *
 * @param perLearner shells one learner may have at once (tabs, windows)
 * @param perServer shells the whole server may have at once
 * @param idleStop how long a shell with no page attached keeps running
 * @param scrollbackBytes recent output kept per shell, replayed when a page attaches again
 * @param outputBytesPerSecond the fastest a shell's output is read and sent
 * @param windowBytes output sent to a page but not yet written to its connection; when it is
 *     full the shell is not read, so its programs block instead of the server's memory growing
 * @param inputBytes typed or pasted input waiting for the shell to read it
 */
public record TerminalLimits(int perLearner, int perServer, Duration idleStop, int scrollbackBytes,
                             int outputBytesPerSecond, int windowBytes, int inputBytes) {

    /**
     * The server's limits. Scrollback is 64 KiB, about 800 lines: with the 128 MB heap that
     * {@code bin/dockstep} gives the server, 300 shells' scrollback and windows stay under 30 MB.
     */
    public static TerminalLimits defaults() {
        return new TerminalLimits(2, 300, Duration.ofMinutes(15), 64 * 1024, 2 * 1024 * 1024, 32 * 1024, 64 * 1024);
    }

    public TerminalLimits withShells(int perLearner, int perServer) {
        return new TerminalLimits(perLearner, perServer, idleStop, scrollbackBytes, outputBytesPerSecond, windowBytes,
                inputBytes);
    }

    public TerminalLimits withIdleStop(Duration idleStop) {
        return new TerminalLimits(perLearner, perServer, idleStop, scrollbackBytes, outputBytesPerSecond, windowBytes,
                inputBytes);
    }

    public TerminalLimits withOutputRate(int outputBytesPerSecond) {
        return new TerminalLimits(perLearner, perServer, idleStop, scrollbackBytes, outputBytesPerSecond, windowBytes,
                inputBytes);
    }
}
