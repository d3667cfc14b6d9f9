package dev.dockstep.harness;

import java.io.IOException;
import java.net.ServerSocket;

/** Free TCP ports for servers that tests start. */
public final class Ports {
    private Ports() {
    }

    public static int free() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }
}
