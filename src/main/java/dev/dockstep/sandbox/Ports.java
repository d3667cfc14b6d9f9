package dev.dockstep.sandbox;

import java.io.IOException;
import java.net.ServerSocket;

/** Free TCP ports, for the servers that throwaway sandboxes, the benchmarks and tests start. */
public final class Ports {
    private Ports() {
    }

    /** A port that nothing listens on at this moment. */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new SandboxException("no free TCP port: " + e.getMessage(), e);
        }
    }
}
