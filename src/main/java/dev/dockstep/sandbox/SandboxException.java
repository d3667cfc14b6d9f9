package dev.dockstep.sandbox;

/** A sandbox part could not be started or reached; the message is one line a person can act on. */
public final class SandboxException extends RuntimeException {
    public SandboxException(String message) {
        super(message);
    }

    public SandboxException(String message, Throwable cause) {
        super(message, cause);
    }
}
