package dev.dockstep.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Small probes used while waiting for a started process to answer. */
final class Waits {
    private Waits() {
    }

    /** Polls {@code ready} until it holds, the process dies, or the timeout passes. */
    static void until(ManagedProcess process, Duration timeout, BooleanSupplier ready) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (ready.getAsBoolean()) {
                return;
            }
            if (!process.isAlive()) {
                throw new SandboxException(process.name() + " exited during start-up: " + process.lastLogLine()
                        + " (full log: " + process.log() + ")");
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SandboxException("interrupted while waiting for " + process.name());
            }
        }
        process.close();
        throw new SandboxException(process.name() + " did not answer within " + timeout.toSeconds()
                + " s: " + process.lastLogLine() + " (full log: " + process.log() + ")");
    }

    /** True when a Docker daemon answers {@code GET /_ping} on the unix socket. */
    static boolean dockerPings(Path socket) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buffer = ByteBuffer.allocate(64);
            channel.read(buffer);
            String status = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
            return status.startsWith("HTTP/1.0 200") || status.startsWith("HTTP/1.1 200");
        } catch (IOException e) {
            return false;
        }
    }

    /** True when an HTTP server on the port answers {@code GET /v2/} at all. */
    static boolean httpAnswers(int port, String path) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] head = in.readNBytes(12);
            return new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.");
        } catch (IOException e) {
            return false;
        }
    }

    /** True when nothing listens on the port yet. */
    static boolean portIsFree(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
