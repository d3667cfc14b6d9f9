package dev.dockstep.terminal;

/** The terminal cannot start on this host; the message says what is missing and what to do. */
final class TerminalUnavailable extends RuntimeException {
    TerminalUnavailable(String message) {
        super(message);
    }
}
