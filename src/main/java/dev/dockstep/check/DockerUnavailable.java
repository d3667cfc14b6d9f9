package dev.dockstep.check;

/**
 * Docker could not be asked: it is down, refuses us, did not answer before the deadline, or the
 * asking thread was interrupted ({@link DockerInterrupted}), which says nothing about Docker.
 */
public sealed class DockerUnavailable extends Exception permits DockerInterrupted {
    public DockerUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
