package dev.dockstep;

/** dockstep cannot start; the message is one line saying what is wrong and what to do. */
public final class StartupException extends RuntimeException {
    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
