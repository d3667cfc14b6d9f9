package dev.dockstep.sandbox;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy gate in front of one learner's Docker daemon: a unix socket that speaks the Docker
 * API, passes on what {@link GatePolicy} allows, and answers everything else with one line the
 * CLI prints. The learner's {@code DOCKER_HOST} names this socket, never the daemon's.
 *
 * <p>One thread per gate, on a selector, serves every connection of that learner; a learner
 * cannot make it hold more than {@link GateLimits} allow, and a slow or hostile learner stalls
 * only their own gate. A class of 200 is 200 parked threads and a few file descriptors each.
 */
public final class DockerGate implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DockerGate.class);
    private static final long TICK_MILLIS = 1000;

    private final Path socket;
    private final Object socketKey;
    private final UnixDomainSocketAddress upstream;
    private final GatePolicy policy;
    private final GateLimits limits;
    private final ServerSocketChannel server;
    private final Selector selector;
    private final Thread loop;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    /** Touched by the loop thread only. */
    private final Set<GateExchange> exchanges = new HashSet<>();
    /** Written by the loop thread only; read by tests. */
    private volatile long buffered;
    private volatile boolean closing;

    private DockerGate(Path socket, Object socketKey, Path upstream, GatePolicy policy, GateLimits limits,
                       ServerSocketChannel server, Selector selector) {
        this.socket = socket;
        this.socketKey = socketKey;
        this.upstream = UnixDomainSocketAddress.of(upstream);
        this.policy = policy;
        this.limits = limits;
        this.server = server;
        this.selector = selector;
        this.loop = new Thread(this::run, "dockstep-gate " + socket.getFileName());
        this.loop.setDaemon(true);
    }

    /**
     * Listens on {@code listenSocket} (mode 0600, owned by the given user and group) and sends what
     * {@code policy} allows to the daemon on {@code upstreamSocket}, until {@link #close}.
     * A socket file left by a gate that died is replaced; a live one is not.
     *
     * @throws SandboxException with one line saying what went wrong
     */
    public static DockerGate start(Path listenSocket, Path upstreamSocket, GatePolicy policy,
                                   OptionalInt ownerUid, OptionalInt ownerGid) {
        return start(listenSocket, upstreamSocket, policy, ownerUid, ownerGid, GateLimits.DEFAULT);
    }

    /**
     * The gate of one per-learner sandbox: its learner's user owns the socket, and its policy lets
     * them reach only {@code registries}.
     */
    public static PerLearnerSandboxes.Gate forSandbox(Path listen, Path daemonSocket, Set<String> registries,
                                                      LinuxUsers.LinuxUser owner) {
        DockerGate gate = start(listen, daemonSocket, new GatePolicy(registries), OptionalInt.of(owner.uid()),
                OptionalInt.of(owner.gid()));
        return new PerLearnerSandboxes.Gate() {
            @Override
            public long requests() {
                return gate.forwardedRequests() + gate.refusedRequests();
            }

            @Override
            public void close() {
                gate.close();
            }
        };
    }

    static DockerGate start(Path listenSocket, Path upstreamSocket, GatePolicy policy,
                            OptionalInt ownerUid, OptionalInt ownerGid, GateLimits limits) {
        Path socket = listenSocket.toAbsolutePath().normalize();
        checkNoLiveGate(socket);
        // Bound under a private name, then given its mode and owner, then renamed into place: no
        // moment exists at which the socket is reachable with the wrong mode or owner.
        Path temporary = socket.resolveSibling(".gate-" + dev.dockstep.common.Tokens.hex(4));
        ServerSocketChannel server = null;
        Selector selector = null;
        try {
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(temporary), 64);
            Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
            if (ownerUid.isPresent()) {
                Files.setAttribute(temporary, "unix:uid", ownerUid.getAsInt(), LinkOption.NOFOLLOW_LINKS);
            }
            if (ownerGid.isPresent()) {
                Files.setAttribute(temporary, "unix:gid", ownerGid.getAsInt(), LinkOption.NOFOLLOW_LINKS);
            }
            Files.move(temporary, socket, StandardCopyOption.ATOMIC_MOVE);
            Object key = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            server.configureBlocking(false);
            selector = Selector.open();
            server.register(selector, SelectionKey.OP_ACCEPT);
            DockerGate gate = new DockerGate(socket, key, upstreamSocket.toAbsolutePath(), policy, limits, server, selector);
            gate.loop.start();
            return gate;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            closeQuietly(server);
            closeQuietly(selector);
            deleteQuietly(temporary);
            throw new SandboxException("cannot open the Docker gate at " + socket + ": " + e.getMessage(), e);
        }
    }

    /** Refuses to take over a path where something other than a dead socket lives. */
    private static void checkNoLiveGate(Path socket) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException absent) {
            return;
        }
        if (!attributes.isOther()) {
            throw new SandboxException("cannot open the Docker gate at " + socket + ": something that is not a socket is there");
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException dead) {
            return;
        }
        throw new SandboxException("cannot open the Docker gate at " + socket + ": another server is listening there");
    }

    /** The socket the learner's CLI talks to. */
    public Path socket() {
        return socket;
    }

    /** The value for the learner's {@code DOCKER_HOST}. */
    public String dockerHost() {
        return "unix://" + socket;
    }

    /** Client connections open now. */
    public int openConnections() {
        return open.get();
    }

    /** Requests sent on to the daemon since the gate started. */
    public long forwardedRequests() {
        return forwarded.get();
    }

    /** Requests answered by the gate itself (refused by the policy, malformed, too large, or too many at once). */
    public long refusedRequests() {
        return refused.get();
    }

    /** Bytes of heads and judged bodies held now, against {@link GateLimits#bufferBudget}. */
    long bufferedBytes() {
        return buffered;
    }

    @Override
    public void close() {
        closing = true;
        selector.wakeup();
        try {
            loop.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        long nextTick = System.nanoTime();
        try {
            while (!closing) {
                selector.select(TICK_MILLIS);
                for (SelectionKey key : selector.selectedKeys()) {
                    if (key.attachment() instanceof GateExchange exchange) {
                        handle(exchange, key);
                    } else if (key.isValid() && key.isAcceptable()) {
                        accept();
                    }
                }
                selector.selectedKeys().clear();
                long now = System.nanoTime();
                if (now - nextTick >= 0) {
                    for (GateExchange exchange : new ArrayList<>(exchanges)) {
                        exchange.tick(now);
                    }
                    nextTick = now + TICK_MILLIS * 1_000_000;
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("the Docker gate at {} stopped: {}", socket, e.toString());
        } finally {
            shutDown();
        }
    }

    private void handle(GateExchange exchange, SelectionKey key) {
        try {
            exchange.ready(key);
        } catch (RuntimeException e) {
            // One broken exchange must not take the learner's other connections with it.
            LOG.warn("the Docker gate at {} dropped a connection: {}", socket, e.toString());
            exchange.close();
        }
    }

    private void accept() throws IOException {
        for (SocketChannel client = server.accept(); client != null; client = server.accept()) {
            client.configureBlocking(false);
            if (exchanges.size() >= limits.maxConnections()) {
                refused.incrementAndGet();
                try (SocketChannel turnedAway = client) {
                    turnedAway.write(ByteBuffer.wrap(GateExchange.errorResponse(503, "dockstep: too many connections to "
                            + "this sandbox at once (" + limits.maxConnections() + "); close some and try again", true)));
                } catch (IOException ignored) {
                    // it asked for a connection it will not get; nothing more is owed
                }
                continue;
            }
            try {
                exchanges.add(new GateExchange(this, client));
                open.incrementAndGet();
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    private void shutDown() {
        for (GateExchange exchange : new ArrayList<>(exchanges)) {
            exchange.close();
        }
        closeQuietly(server);
        closeQuietly(selector);
        try {
            // Only our own socket: a gate started later on the same path has a socket of its own.
            Object key = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            if (Objects.equals(key, socketKey)) {
                Files.deleteIfExists(socket);
            }
        } catch (IOException gone) {
            // nothing to remove
        }
    }

    // Called by exchanges, on the loop thread.

    GatePolicy policy() {
        return policy;
    }

    GateLimits limits() {
        return limits;
    }

    Selector selector() {
        return selector;
    }

    UnixDomainSocketAddress upstreamAddress() {
        return upstream;
    }

    void forwarded() {
        forwarded.incrementAndGet();
    }

    void refused() {
        refused.incrementAndGet();
    }

    boolean reserve(long bytes) {
        if (buffered + bytes > limits.bufferBudget()) {
            return false;
        }
        buffered += bytes;
        return true;
    }

    void closed(GateExchange exchange, long reserved) {
        buffered -= reserved;
        if (exchanges.remove(exchange)) {
            open.decrementAndGet();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // closing is all that was wanted
            }
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // a stray temporary name in a folder of ours
        }
    }
}
