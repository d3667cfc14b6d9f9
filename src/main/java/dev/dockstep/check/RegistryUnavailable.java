package dev.dockstep.check;

/** The registry could not be asked: down, refusing dockstep, or too slow. */
public final class RegistryUnavailable extends Exception {
    public RegistryUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
