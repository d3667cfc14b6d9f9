package dev.dockstep.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An HTTP/1.x request head, parsed strictly. The gate never passes the client's head on as sent:
 * it writes a fresh one ({@link #upstream}) from what it parsed and judged, so that nothing the
 * gate read one way can reach the daemon to be read another way.
 *
 * @param method an upper-case method the Docker API uses
 * @param target the request target as sent
 * @param version {@code HTTP/1.1} or {@code HTTP/1.0}
 * @param headers every header, in order
 */
record GateHead(String method, String target, String version, List<Header> headers) {
    record Header(String name, String value) {
    }

    /** How the request's body is delimited. */
    sealed interface Framing {
        record None() implements Framing {
        }

        record Length(long bytes) implements Framing {
        }

        record Chunked() implements Framing {
        }
    }

    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final int MAX_HEADERS = 128;
    /** Hop-by-hop headers and the ones the gate writes itself. */
    private static final Set<String> DROPPED = Set.of("host", "connection", "keep-alive", "proxy-connection", "te",
            "trailer", "transfer-encoding", "content-length", "upgrade", "expect", "http2-settings",
            "proxy-authorization");
    /** Headers that Go's server reads once: a second copy could be read differently by the gate. */
    private static final Set<String> SINGLE = Set.of("host", "content-length", "transfer-encoding", "content-type",
            "expect", "upgrade");

    /** The index just past the blank line that ends a head in {@code bytes[0, length)}, or -1. */
    static int end(byte[] bytes, int from, int length) {
        for (int i = Math.max(from, 3); i < length; i++) {
            if (bytes[i] == '\n' && bytes[i - 1] == '\r' && bytes[i - 2] == '\n' && bytes[i - 3] == '\r') {
                return i + 1;
            }
        }
        return -1;
    }

    /** Parses a head that {@link #end} found, CRLF line ends included. */
    static GateHead parse(byte[] bytes, int length) throws GateError {
        String text = new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
        if (!text.endsWith("\r\n\r\n")) {
            throw GateError.malformed("the request head does not end with an empty line");
        }
        String[] lines = text.substring(0, text.length() - 4).split("\r\n", -1);
        for (String line : lines) {
            if (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0) {
                throw GateError.malformed("a line of the request head does not end with CRLF");
            }
        }
        String[] request = lines[0].split(" ", -1);
        if (request.length != 3) {
            throw GateError.malformed("the request line is not METHOD TARGET HTTP/1.1");
        }
        if (!METHODS.contains(request[0])) {
            throw new GateError(405, "dockstep: this sandbox does not allow the method " + GateBody.shown(request[0]));
        }
        if (!request[2].equals("HTTP/1.1") && !request[2].equals("HTTP/1.0")) {
            throw GateError.malformed("only HTTP/1.0 and HTTP/1.1 are spoken here");
        }
        for (int i = 0; i < request[1].length(); i++) {
            char c = request[1].charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                throw GateError.malformed("the request target holds a character that must be percent-encoded");
            }
        }
        if (lines.length - 1 > MAX_HEADERS) {
            throw GateError.malformed("more than " + MAX_HEADERS + " headers");
        }
        List<Header> headers = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.startsWith(" ") || line.startsWith("\t")) {
                throw GateError.malformed("a header is folded over two lines");
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !TOKEN.matcher(line.substring(0, colon)).matches()) {
                throw GateError.malformed("a header line is not NAME: VALUE");
            }
            String name = line.substring(0, colon);
            String value = trimSpaces(line.substring(colon + 1));
            for (int j = 0; j < value.length(); j++) {
                char c = value.charAt(j);
                if (c < 0x20 && c != '\t' || c == 0x7f) {
                    throw GateError.malformed("the header " + name + " holds a control character");
                }
            }
            String key = name.toLowerCase(Locale.ROOT);
            if (!seen.add(key) && SINGLE.contains(key)) {
                throw GateError.malformed("the header " + name + " appears twice");
            }
            headers.add(new Header(name, value));
        }
        return new GateHead(request[0], request[1], request[2], List.copyOf(headers));
    }

    /** Go trims only spaces and tabs around a value; anything else stays in it, to be refused. */
    private static String trimSpaces(String value) {
        int from = 0;
        int to = value.length();
        while (from < to && (value.charAt(from) == ' ' || value.charAt(from) == '\t')) {
            from++;
        }
        while (to > from && (value.charAt(to - 1) == ' ' || value.charAt(to - 1) == '\t')) {
            to--;
        }
        return value.substring(from, to);
    }

    Optional<String> header(String name) {
        return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(Header::value).findFirst();
    }

    /**
     * How the body is delimited. Both Content-Length and Transfer-Encoding is the classic way to make
     * two readers disagree on where a request ends, so it is refused, as is any coding but chunked.
     */
    Framing framing() throws GateError {
        Optional<String> length = header("Content-Length");
        Optional<String> coding = header("Transfer-Encoding");
        if (length.isPresent() && coding.isPresent()) {
            throw GateError.malformed("a request may not carry both Content-Length and Transfer-Encoding");
        }
        if (coding.isPresent()) {
            if (!coding.get().equalsIgnoreCase("chunked") || version.equals("HTTP/1.0")) {
                throw GateError.malformed("the only Transfer-Encoding accepted is chunked, on HTTP/1.1");
            }
            return new Framing.Chunked();
        }
        if (length.isPresent()) {
            if (!length.get().matches("[0-9]{1,15}")) {
                throw GateError.malformed("Content-Length is not a number");
            }
            long bytes = Long.parseLong(length.get());
            return bytes == 0 ? new Framing.None() : new Framing.Length(bytes);
        }
        return new Framing.None();
    }

    /** True when the client waits for {@code 100 Continue} before it sends the body. */
    boolean expectsContinue() throws GateError {
        Optional<String> expect = header("Expect");
        if (expect.isPresent() && !expect.get().equalsIgnoreCase("100-continue")) {
            throw new GateError(417, "dockstep: the only Expect understood is 100-continue");
        }
        return expect.isPresent();
    }

    /** True when the client asks for the raw stream of attach or exec start. */
    boolean upgradesToTcp() {
        return header("Upgrade").map(u -> u.equalsIgnoreCase("tcp")).orElse(false);
    }

    /**
     * Go's server reads a form body into the query parameters ({@code r.Form}) that the policy judged,
     * so a form could turn an allowed request into another.
     */
    void refuseForms() throws GateError {
        Optional<String> type = header("Content-Type");
        if (type.isEmpty()) {
            return;
        }
        for (int i = 0; i < type.get().length(); i++) {
            if (type.get().charAt(i) >= 0x7f) {
                throw GateError.malformed("Content-Type holds a non-ASCII character");
            }
        }
        String media = type.get().split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (media.equals("application/x-www-form-urlencoded") || media.startsWith("multipart/")) {
            throw GateError.malformed("form-encoded bodies are not accepted");
        }
    }

    /**
     * The head the daemon gets: the judged target, the client's end-to-end headers, the framing the
     * gate will send, and {@code Connection: close}, so that the daemon reads no second request.
     *
     * @param length the body's exact length, or empty when it is streamed chunked
     * @param hasBody whether any body follows
     */
    byte[] upstream(String judgedTarget, boolean hasBody, OptionalLong length, boolean upgrade) {
        Set<String> hopByHop = new HashSet<>(DROPPED);
        header("Connection").ifPresent(c -> {
            for (String token : c.split(",")) {
                hopByHop.add(token.strip().toLowerCase(Locale.ROOT));
            }
        });
        StringBuilder head = new StringBuilder(256);
        head.append(method).append(' ').append(judgedTarget).append(' ').append(version).append("\r\n");
        head.append("Host: docker\r\n");
        for (Header h : headers) {
            if (!hopByHop.contains(h.name().toLowerCase(Locale.ROOT))) {
                head.append(h.name()).append(": ").append(h.value()).append("\r\n");
            }
        }
        if (hasBody) {
            if (length.isPresent()) {
                head.append("Content-Length: ").append(length.getAsLong()).append("\r\n");
            } else {
                head.append("Transfer-Encoding: chunked\r\n");
            }
        }
        head.append(upgrade ? "Connection: Upgrade, close\r\nUpgrade: tcp\r\n" : "Connection: close\r\n");
        head.append("\r\n");
        return head.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
