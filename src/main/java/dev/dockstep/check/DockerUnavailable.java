package dev.dockstep.check;

/** Docker could not be asked: it is down, refuses us, or did not answer before the deadline. */
public final class DockerUnavailable extends Exception {
    public DockerUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
