package dev.dockstep.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.OptionalLong;

/**
 * One client connection to a gate, and at most one request on it. Driven by the gate's selector
 * thread: every readiness event runs {@link #pump}, which moves bytes until nothing moves, and
 * then asks only for the events that could move more (so a slow reader on either side stops the
 * other, and nothing piles up).
 *
 * <p>The life of an exchange: read the head; judge it; if the policy needs the body, read it whole
 * (bounded) and judge again; then send the daemon a fresh head with {@code Connection: close} and
 * the body (judged bytes with their exact length, or an upload re-framed as it streams). The
 * daemon's answer streams back as it comes. Anything the client sends after its first request
 * is dropped, so a second request can never reach the daemon unjudged. Only a {@code 101} answer
 * to attach or exec start turns the connection into a two-way pipe, which the daemon no longer
 * reads as HTTP.
 */
final class GateExchange {
    private static final int BUFFER = 16 * 1024;
    private static final int FIRST_HEAD_BUFFER = 8 * 1024;
    private static final int ROUNDS = 16;
    private static final long LINGER_BYTES = 1024 * 1024;
    /** More than this sent after the one request is not a client waiting for its answer. */
    private static final long AFTER_REQUEST_BYTES = 64 * 1024;
    private static final long LINGER_NANOS = 2_000_000_000L;
    private static final byte[] CONTINUE = ascii("HTTP/1.1 100 Continue\r\n\r\n");
    private static final byte[] LAST_CHUNK = ascii("0\r\n\r\n");
    private static final ObjectMapper JSON = new ObjectMapper();

    private enum Phase {
        /** Reading the request head. */
        HEAD,
        /** Reading a body whole, to judge it or to send it before a hijack. */
        BODY,
        /** Sending an upload on as it arrives. */
        STREAM,
        /** The request is sent; the answer flows back; client bytes are dropped. */
        RESPONSE,
        /** Attach or exec start is sent; waiting for the status line before the client may send more. */
        AWAIT_UPGRADE,
        /** A raw two-way stream after {@code 101}. */
        TUNNEL,
        /** Sending the gate's own error. */
        REFUSING,
        /** The error is sent; reading what the client still sends for a moment, so that it reads the error. */
        LINGER,
        CLOSED
    }

    private final DockerGate gate;
    private final SocketChannel client;
    private final SelectionKey clientKey;
    private SocketChannel upstream;
    private SelectionKey upstreamKey;
    private boolean upstreamConnected;

    private Phase phase = Phase.HEAD;
    private long deadline;
    /** Bytes from the client, in write mode. */
    private ByteBuffer in;
    private int scanned;
    private GateHead head;
    private GateFraming framing;
    private GatePolicy.Verdict.Allow allowedBeforeBody;
    /** A body read whole, in write mode. */
    private ByteBuffer body;
    private boolean chunkedUpstream;
    /** Bytes for the daemon, in read mode. */
    private ByteBuffer toUpstream = ByteBuffer.allocate(0);
    private ByteBuffer staging;
    private ByteBuffer outgoing;
    /** Bytes for the client, in write mode. */
    private final ByteBuffer toClient = ByteBuffer.allocate(BUFFER);
    private final StringBuilder statusLine = new StringBuilder();
    private boolean relayed;
    private boolean clientEof;
    private boolean upstreamEof;
    private boolean clientOutputShut;
    private boolean upstreamOutputShut;
    private long dropped;
    private long reserved;

    GateExchange(DockerGate gate, SocketChannel client) throws IOException {
        this.gate = gate;
        this.client = client;
        this.deadline = System.nanoTime() + gate.limits().requestTimeout().toNanos();
        this.in = ByteBuffer.allocate(Math.min(FIRST_HEAD_BUFFER, gate.limits().maxHeadBytes()));
        this.clientKey = client.register(gate.selector(), SelectionKey.OP_READ, this);
    }

    /** A readiness event on either of this exchange's channels. */
    void ready(SelectionKey key) {
        if (phase == Phase.CLOSED) {
            return;
        }
        try {
            if (key == upstreamKey && key.isValid() && key.isConnectable()) {
                try {
                    upstreamConnected = upstream.finishConnect();
                } catch (IOException e) {
                    daemonDown();
                }
                if (upstreamConnected) {
                    gate.forwarded();
                }
            }
            pump();
        } catch (IOException e) {
            close();
        }
    }

    /** Called about once a second: a head or judged body that takes too long, or a linger that is over. */
    void tick(long now) {
        if (now - deadline < 0 || phase == Phase.CLOSED) {
            return;
        }
        if (phase == Phase.HEAD || phase == Phase.BODY) {
            refuse(408, "dockstep: the request did not arrive within "
                    + gate.limits().requestTimeout().toSeconds() + " s");
            try {
                pump();
            } catch (IOException e) {
                close();
            }
        } else if (phase == Phase.REFUSING || phase == Phase.LINGER) {
            close(); // a client that will not read its error does not keep its place
        }
    }

    /**
     * Moves bytes until nothing moves, or for {@link #ROUNDS} rounds: a large upload then yields the
     * thread to the learner's other connections and resumes on the selector's next report.
     */
    private void pump() throws IOException {
        boolean progress = true;
        for (int round = 0; progress && round < ROUNDS && phase != Phase.CLOSED; round++) {
            progress = fromClient();
            progress |= toDaemon();
            progress |= fromDaemon();
            progress |= toClient();
            progress |= ends();
        }
        if (phase != Phase.CLOSED) {
            interest();
        }
    }

    private boolean fromClient() throws IOException {
        switch (phase) {
            case HEAD:
                return readHead();
            case BODY:
                return readBody();
            case STREAM:
            case TUNNEL:
                if (clientEof || !in.hasRemaining()) {
                    return false;
                }
                int n = client.read(in);
                if (n < 0) {
                    if (phase == Phase.STREAM) {
                        close(); // the upload was cut off: the daemon must not take half of it
                    } else {
                        clientEof = true;
                    }
                    return true;
                }
                return n > 0;
            case RESPONSE:
            case REFUSING:
            case LINGER:
                if (clientEof) {
                    return false;
                }
                in.clear();
                int junk = client.read(in);
                in.clear();
                if (junk < 0) {
                    clientEof = true;
                    return true;
                }
                dropped += junk;
                if (phase == Phase.RESPONSE && dropped > AFTER_REQUEST_BYTES) {
                    clientEof = true; // treated as a hang-up: stop reading, and let the daemon end the request
                }
                return junk > 0;
            default:
                return false;
        }
    }

    private boolean readHead() throws IOException {
        if (!in.hasRemaining()) {
            int size = Math.min(gate.limits().maxHeadBytes(), in.capacity() * 2);
            if (!reserve(size - in.capacity())) {
                return true;
            }
            in = ByteBuffer.allocate(size).put(in.flip());
        }
        int n = client.read(in);
        if (n < 0) {
            close();
            return true;
        }
        if (n == 0) {
            return false;
        }
        int end = GateHead.end(in.array(), scanned, in.position());
        scanned = Math.max(0, in.position() - 3);
        if (end >= 0) {
            onHead(end);
        } else if (in.position() >= gate.limits().maxHeadBytes()) {
            refuse(400, "dockstep: malformed request: the request head is larger than "
                    + gate.limits().maxHeadBytes() / 1024 + " KiB");
        }
        return true;
    }

    private void onHead(int end) {
        GatePolicy.Verdict verdict;
        boolean expectsContinue;
        try {
            head = GateHead.parse(in.array(), end);
            framing = GateFraming.of(head.framing());
            expectsContinue = head.expectsContinue();
            head.refuseForms();
        } catch (GateError e) {
            refuse(e.status(), e.getMessage());
            return;
        }
        in.flip().position(end);
        in.compact();
        verdict = gate.policy().judge(head.method(), head.target());
        if (verdict instanceof GatePolicy.Verdict.Refuse refusal) {
            refuse(refusal.status(), refusal.message());
        } else if (verdict instanceof GatePolicy.Verdict.Allow allow && framing.complete()) {
            send(allow, new byte[0]);
        } else if (verdict instanceof GatePolicy.Verdict.Allow allow && !allow.hijack()) {
            stream(allow, expectsContinue);
        } else {
            // A body to judge, or the small body of exec start, which must be sent whole before the stream opens.
            allowedBeforeBody = verdict instanceof GatePolicy.Verdict.Allow allow ? allow : null;
            readWholeBody(expectsContinue);
        }
    }

    private void readWholeBody(boolean expectsContinue) {
        long known = framing.knownLength();
        int limit = gate.limits().maxBodyBytes();
        if (known > limit) {
            refuse(413, "dockstep: the request body is larger than " + limit / 1024 + " KiB");
            return;
        }
        int size = known >= 0 ? (int) known : Math.min(limit, FIRST_HEAD_BUFFER);
        if (!reserve(size)) {
            return;
        }
        body = ByteBuffer.allocate(size);
        phase = Phase.BODY;
        if (expectsContinue) {
            toClient.put(CONTINUE);
        }
    }

    private boolean readBody() throws IOException {
        boolean progress = false;
        if (in.hasRemaining() && !clientEof) {
            int n = client.read(in);
            if (n < 0) {
                close();
                return true;
            }
            progress = n > 0;
        }
        in.flip();
        int before = in.remaining();
        try {
            framing.decode(in, body);
        } catch (GateError e) {
            in.compact();
            refuse(e.status(), e.getMessage());
            return true;
        }
        progress |= in.remaining() != before;
        in.compact();
        if (framing.complete()) {
            judgeBody();
            return true;
        }
        if (!body.hasRemaining()) {
            int limit = gate.limits().maxBodyBytes();
            if (body.capacity() >= limit) {
                refuse(413, "dockstep: the request body is larger than " + limit / 1024 + " KiB");
                return true;
            }
            int size = Math.min(limit, body.capacity() * 2);
            if (!reserve(size - body.capacity())) {
                return true;
            }
            body = ByteBuffer.allocate(size).put(body.flip());
            progress = true;
        }
        return progress;
    }

    private void judgeBody() {
        byte[] bytes = new byte[body.position()];
        body.flip().get(bytes);
        GatePolicy.Verdict verdict = allowedBeforeBody != null
                ? allowedBeforeBody
                : gate.policy().judge(head.method(), head.target(), bytes);
        if (verdict instanceof GatePolicy.Verdict.Allow allow) {
            send(allow, bytes);
        } else if (verdict instanceof GatePolicy.Verdict.Refuse refusal) {
            refuse(refusal.status(), refusal.message());
        } else {
            refuse(500, "dockstep: the gate could not decide on this request");
        }
    }

    /** Sends a request whose body is known whole: exactly the bytes that were judged, with their length. */
    private void send(GatePolicy.Verdict.Allow allow, byte[] bytes) {
        boolean upgrade = allow.hijack() && head.upgradesToTcp();
        byte[] headBytes = head.upstream(allow.target(), bytes.length > 0, OptionalLong.of(bytes.length), upgrade);
        toUpstream = ByteBuffer.allocate(headBytes.length + bytes.length).put(headBytes).put(bytes).flip();
        phase = allow.hijack() ? Phase.AWAIT_UPGRADE : Phase.RESPONSE;
        if (phase == Phase.RESPONSE) {
            in.clear();
        }
        connect();
    }

    /** Sends the head at once and the upload as it arrives (docker load, import, cp). */
    private void stream(GatePolicy.Verdict.Allow allow, boolean expectsContinue) {
        long known = framing.knownLength();
        chunkedUpstream = known < 0;
        byte[] headBytes = head.upstream(allow.target(), true, chunkedUpstream ? OptionalLong.empty() : OptionalLong.of(known), false);
        toUpstream = ByteBuffer.wrap(headBytes);
        phase = Phase.STREAM;
        if (in.capacity() < BUFFER) {
            in = ByteBuffer.allocate(BUFFER).put(in.flip());
        }
        staging = ByteBuffer.allocate(BUFFER);
        outgoing = ByteBuffer.allocate(BUFFER + 64);
        if (expectsContinue) {
            toClient.put(CONTINUE);
        }
        connect();
    }

    private void connect() {
        try {
            upstream = SocketChannel.open(java.net.StandardProtocolFamily.UNIX);
            upstream.configureBlocking(false);
            upstreamConnected = upstream.connect(gate.upstreamAddress());
            upstreamKey = upstream.register(gate.selector(), upstreamConnected ? 0 : SelectionKey.OP_CONNECT, this);
            if (upstreamConnected) {
                gate.forwarded();
            }
        } catch (IOException e) {
            daemonDown();
        }
    }

    private void daemonDown() {
        upstreamConnected = false;
        refuse(502, "dockstep: the sandbox's Docker daemon is not answering; try again in a moment");
    }

    private boolean toDaemon() throws IOException {
        if (upstream == null || !upstreamConnected || upstreamOutputShut) {
            return false;
        }
        boolean progress = false;
        if (!toUpstream.hasRemaining()) {
            progress = refill();
        }
        if (toUpstream.hasRemaining()) {
            progress |= upstream.write(toUpstream) > 0;
        }
        return progress;
    }

    /** The next piece of an upload (framed again) or of a raw stream, once the last is sent. */
    private boolean refill() {
        if (phase == Phase.STREAM) {
            staging.clear();
            in.flip();
            int before = in.remaining();
            try {
                framing.decode(in, staging);
            } catch (GateError e) {
                in.compact();
                if (relayed) {
                    close();
                } else {
                    refuse(e.status(), e.getMessage());
                }
                return true;
            }
            boolean consumed = in.remaining() != before;
            in.compact();
            staging.flip();
            outgoing.clear();
            if (chunkedUpstream && staging.hasRemaining()) {
                outgoing.put(ascii(Integer.toHexString(staging.remaining()) + "\r\n")).put(staging).put(ascii("\r\n"));
            } else {
                outgoing.put(staging);
            }
            if (framing.complete()) {
                if (chunkedUpstream) {
                    outgoing.put(LAST_CHUNK);
                }
                phase = Phase.RESPONSE;
                in.clear();
                consumed = true;
            }
            toUpstream = outgoing.flip();
            return consumed;
        }
        if (phase == Phase.TUNNEL && in.position() > 0) {
            in.flip();
            outgoing.clear();
            int n = Math.min(in.remaining(), outgoing.remaining());
            outgoing.put(in.slice(in.position(), n));
            in.position(in.position() + n);
            in.compact();
            toUpstream = outgoing.flip();
            return true;
        }
        return false;
    }

    private boolean fromDaemon() throws IOException {
        if (upstream == null || !upstreamConnected || upstreamEof || !toClient.hasRemaining()
                || phase == Phase.REFUSING || phase == Phase.LINGER) {
            return false;
        }
        int start = toClient.position();
        int n = upstream.read(toClient);
        if (n < 0) {
            upstreamEof = true;
            if (phase == Phase.AWAIT_UPGRADE) {
                phase = Phase.RESPONSE;
            }
            return true;
        }
        if (n > 0) {
            relayed = true;
            if (phase == Phase.AWAIT_UPGRADE) {
                sniffStatus(start, n);
            }
        }
        return n > 0;
    }

    /** Opens the client's side of the stream only when the daemon has really switched protocols. */
    private void sniffStatus(int start, int n) {
        for (int i = start; i < start + n && phase == Phase.AWAIT_UPGRADE; i++) {
            char c = (char) (toClient.get(i) & 0xff);
            if (c == '\n' || statusLine.length() > 64) {
                boolean switched = statusLine.toString().matches("HTTP/1\\.[01] 101( .*)?\r?");
                phase = switched ? Phase.TUNNEL : Phase.RESPONSE;
                if (switched) {
                    if (outgoing == null) {
                        outgoing = ByteBuffer.allocate(BUFFER);
                    }
                    if (in.capacity() < BUFFER) {
                        in = ByteBuffer.allocate(BUFFER).put(in.flip());
                    }
                } else {
                    in.clear();
                }
            } else {
                statusLine.append(c);
            }
        }
    }

    private boolean toClient() throws IOException {
        if (toClient.position() == 0 || clientOutputShut) {
            return false;
        }
        toClient.flip();
        int n = client.write(toClient);
        toClient.compact();
        return n > 0;
    }

    private boolean ends() throws IOException {
        switch (phase) {
            case STREAM:
            case RESPONSE:
            case AWAIT_UPGRADE:
                if (upstreamEof && toClient.position() == 0) {
                    close();
                    return true;
                }
                // A client that hangs up is passed on as a hang-up once the request is out: Go's server then
                // cancels the request (that is how docker events ends) and still answers a short one.
                if (clientEof && phase == Phase.RESPONSE && upstreamConnected && !upstreamOutputShut
                        && !toUpstream.hasRemaining()) {
                    upstream.shutdownOutput();
                    upstreamOutputShut = true;
                    return true;
                }
                return false;
            case TUNNEL:
                boolean progress = false;
                if (clientEof && !upstreamOutputShut && in.position() == 0 && !toUpstream.hasRemaining()) {
                    upstream.shutdownOutput();
                    upstreamOutputShut = true;
                    progress = true;
                }
                if (upstreamEof && !clientOutputShut && toClient.position() == 0) {
                    client.shutdownOutput();
                    clientOutputShut = true;
                    progress = true;
                }
                if (upstreamOutputShut && clientOutputShut) {
                    close();
                    return true;
                }
                return progress;
            case REFUSING:
                if (toClient.position() == 0) {
                    client.shutdownOutput();
                    clientOutputShut = true;
                    phase = Phase.LINGER;
                    deadline = System.nanoTime() + LINGER_NANOS;
                    return true;
                }
                return false;
            case LINGER:
                if (clientEof || dropped > LINGER_BYTES) {
                    close();
                    return true;
                }
                return false;
            default:
                return false;
        }
    }

    private void interest() {
        boolean read = switch (phase) {
            case HEAD, BODY, STREAM, TUNNEL -> !clientEof && (in.hasRemaining() || phase == Phase.HEAD);
            case RESPONSE, REFUSING, LINGER -> !clientEof;
            default -> false;
        };
        boolean write = toClient.position() > 0 && !clientOutputShut;
        clientKey.interestOps((read ? SelectionKey.OP_READ : 0) | (write ? SelectionKey.OP_WRITE : 0));
        if (upstreamKey != null && upstreamKey.isValid()) {
            int ops = 0;
            if (!upstreamConnected) {
                ops = SelectionKey.OP_CONNECT;
            } else {
                if (!upstreamEof && toClient.hasRemaining()) {
                    ops |= SelectionKey.OP_READ;
                }
                // Bytes waiting in {@code in} are framed for the daemon only once it can take them.
                boolean waiting = (phase == Phase.STREAM || phase == Phase.TUNNEL) && in.position() > 0;
                if ((toUpstream.hasRemaining() || waiting) && !upstreamOutputShut) {
                    ops |= SelectionKey.OP_WRITE;
                }
            }
            upstreamKey.interestOps(ops);
        }
    }

    /** Answers with the gate's own error instead of anything from the daemon. */
    private void refuse(int status, String message) {
        gate.refused();
        closeUpstream();
        in.clear();
        byte[] response = errorResponse(status, message, head == null || !head.method().equals("HEAD"));
        if (relayed || toClient.remaining() < response.length) {
            close();
            return;
        }
        toClient.put(response);
        phase = Phase.REFUSING;
        deadline = System.nanoTime() + gate.limits().requestTimeout().toNanos();
    }

    static byte[] errorResponse(int status, String message, boolean withBody) {
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(Map.of("message", message));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of one string always serialises", e);
        }
        String reason = switch (status) {
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 413 -> "Content Too Large";
            case 417 -> "Expectation Failed";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            default -> "Error";
        };
        byte[] headBytes = ascii("HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + json.length + "\r\nConnection: close\r\n\r\n");
        if (!withBody) {
            return headBytes;
        }
        return ByteBuffer.allocate(headBytes.length + json.length).put(headBytes).put(json).array();
    }

    private boolean reserve(long bytes) {
        if (!gate.reserve(bytes)) {
            refuse(503, "dockstep: this sandbox is busy with other large requests; try again in a moment");
            return false;
        }
        reserved += bytes;
        return true;
    }

    private void closeUpstream() {
        if (upstream != null) {
            try {
                upstream.close();
            } catch (IOException ignored) {
                // closing is all that was wanted
            }
        }
        upstreamConnected = false;
    }

    void close() {
        if (phase == Phase.CLOSED) {
            return;
        }
        phase = Phase.CLOSED;
        closeUpstream();
        try {
            client.close();
        } catch (IOException ignored) {
            // closing is all that was wanted
        }
        gate.closed(this, reserved);
        reserved = 0;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
