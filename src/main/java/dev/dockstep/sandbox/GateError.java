package dev.dockstep.sandbox;

/** A request the gate will not pass on, with the HTTP status and the one line the CLI prints. */
final class GateError extends Exception {
    private final int status;

    GateError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    static GateError malformed(String what) {
        return new GateError(400, "dockstep: malformed request: " + what);
    }

    int status() {
        return status;
    }
}
