package dev.dockstep.check;

/**
 * The thread asking Docker was interrupted (a check's deadline passed, or the server is stopping)
 * before Docker answered. Docker may be fine; a verdict must not say it is unreachable.
 */
public final class DockerInterrupted extends DockerUnavailable {
    public DockerInterrupted(String message, Throwable cause) {
        super(message, cause);
    }
}
