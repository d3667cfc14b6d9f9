package dev.dockstep.sandbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GateHeadTest {
    @Test
    void the_head_ends_at_the_first_empty_line_even_when_it_arrives_in_pieces() {
        byte[] bytes = ascii("GET /_ping HTTP/1.1\r\nHost: x\r\n\r\nGET /info HTTP/1.1\r\n\r\n");
        assertEquals(-1, GateHead.end(bytes, 0, 30));
        assertEquals(32, GateHead.end(bytes, 27, 33));
        assertEquals(32, GateHead.end(bytes, 0, bytes.length));
    }

    @Test
    void the_daemon_gets_a_fresh_head_that_closes_after_one_request() throws GateError {
        GateHead head = parse("POST /v1.41/images/load?quiet=1 HTTP/1.1\r\nHost: api.moby.localhost\r\nUser-Agent: Docker-Client/28\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: keep-alive, X-Secret\r\nX-Secret: s\r\nKeep-Alive: 5\r\n"
                + "Expect: 100-continue\r\nContent-Type: application/x-tar\r\nX-Registry-Auth: e30=\r\n\r\n");
        assertEquals(new GateHead.Framing.Chunked(), head.framing());
        assertTrue(head.expectsContinue());
        assertEquals("POST /v1.41/images/load?quiet=1 HTTP/1.1\r\nHost: docker\r\nUser-Agent: Docker-Client/28\r\n"
                + "Content-Type: application/x-tar\r\nX-Registry-Auth: e30=\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
                text(head.upstream("/v1.41/images/load?quiet=1", true, OptionalLong.empty(), false)));
        assertEquals("POST /v1.41/exec/abc/start HTTP/1.1\r\nHost: docker\r\nUser-Agent: Docker-Client/28\r\n"
                + "Content-Type: application/x-tar\r\nX-Registry-Auth: e30=\r\nContent-Length: 2\r\n"
                + "Connection: Upgrade, close\r\nUpgrade: tcp\r\n\r\n",
                text(head.upstream("/v1.41/exec/abc/start", true, OptionalLong.of(2), true)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "POST /x HTTP/1.1\\r\\nContent-Length: 4\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n | a request may not carry both Content-Length and Transfer-Encoding",
        "POST /x HTTP/1.1\\r\\nContent-Length: 4\\r\\nContent-Length: 4\\r\\n\\r\\n        | the header Content-Length appears twice",
        "POST /x HTTP/1.1\\r\\nTransfer-Encoding: gzip, chunked\\r\\n\\r\\n                | the only Transfer-Encoding accepted is chunked, on HTTP/1.1",
        "POST /x HTTP/1.0\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n                       | the only Transfer-Encoding accepted is chunked, on HTTP/1.1",
        "POST /x HTTP/1.1\\r\\nContent-Length: -1\\r\\n\\r\\n                              | Content-Length is not a number",
        "POST /x HTTP/1.1\\r\\nContent-Length: 1 2\\r\\n\\r\\n                             | Content-Length is not a number",
        "POST /x HTTP/1.1\\r\\nContent-Length : 4\\r\\n\\r\\n                              | a header line is not NAME: VALUE",
        "POST /x HTTP/1.1\\r\\nX-A: b\\r\\n c\\r\\n\\r\\n                                    | a header is folded over two lines",
        "POST /x HTTP/1.1\\r\\nX-A: b\\rc\\r\\n\\r\\n                                       | a line of the request head does not end with CRLF",
        "POST /x HTTP/1.1\\nX-A: b\\r\\n\\r\\n                                            | a line of the request head does not end with CRLF",
        "POST /x HTTP/1.1\\r\\nX-A: b\\u0000\\r\\n\\r\\n                                    | the header X-A holds a control character",
        "POST /x HTTP/2\\r\\n\\r\\n                                                       | only HTTP/1.0 and HTTP/1.1 are spoken here",
        "POST  /x HTTP/1.1\\r\\n\\r\\n                                                    | the request line is not METHOD TARGET HTTP/1.1",
        "POST /x\\u00e9 HTTP/1.1\\r\\n\\r\\n                                                | the request target holds a character that must be percent-encoded",
        "\\r\\nPOST /x HTTP/1.1\\r\\n\\r\\n                                                | the request line is not METHOD TARGET HTTP/1.1",
    })
    void a_head_two_readers_could_read_differently_is_malformed(String raw, String why) {
        GateError error = assertThrows(GateError.class, () -> {
            GateHead head = parse(unescape(raw.strip()));
            head.framing();
        });
        assertEquals(400, error.status());
        assertEquals("dockstep: malformed request: " + why, error.getMessage());
    }

    @Test
    void a_method_the_api_does_not_use_is_refused() {
        GateError error = assertThrows(GateError.class, () -> parse("OPTIONS /x HTTP/1.1\r\n\r\n"));
        assertEquals(405, error.status());
        assertThrows(GateError.class, () -> parse("get /x HTTP/1.1\r\n\r\n"));
    }

    @Test
    void a_form_body_is_refused_because_go_would_read_it_as_query_parameters() throws GateError {
        for (String type : new String[] {"application/x-www-form-urlencoded", "Application/X-WWW-Form-Urlencoded ; charset=utf-8",
            "multipart/form-data; boundary=x"}) {
            GateHead head = parse("POST /images/create?fromSrc=- HTTP/1.1\r\nContent-Type: " + type + "\r\n\r\n");
            GateError error = assertThrows(GateError.class, head::refuseForms, type);
            assertEquals("dockstep: malformed request: form-encoded bodies are not accepted", error.getMessage());
        }
        parse("POST /images/create?fromSrc=- HTTP/1.1\r\nContent-Type: application/x-tar\r\n\r\n").refuseForms();
        // Go lower-cases with Unicode rules: U+0130 (sent as UTF-8, C4 B0) becomes i, so such a type could be a form.
        assertThrows(GateError.class, () -> parse("POST /x HTTP/1.1\r\nContent-Type: appl\u00c4\u00b0cation/x-www-form-urlencoded\r\n\r\n")
                .refuseForms());
    }

    @Test
    void a_chunked_body_is_decoded_across_any_split_and_ends_where_the_last_chunk_does() throws GateError {
        byte[] wire = ascii("5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nTrailer: x\r\n\r\nGET /next HTTP/1.1\r\n\r\n");
        for (int split = 1; split < wire.length; split++) {
            GateFraming chunked = GateFraming.of(new GateHead.Framing.Chunked());
            ByteBuffer out = ByteBuffer.allocate(64);
            ByteBuffer first = ByteBuffer.wrap(wire, 0, split);
            chunked.decode(first, out);
            ByteBuffer rest = ByteBuffer.wrap(wire, split - first.remaining(), wire.length - split + first.remaining());
            chunked.decode(rest, out);
            assertTrue(chunked.complete(), "split at " + split);
            assertEquals("hello, world", new String(out.array(), 0, out.position(), StandardCharsets.US_ASCII));
            assertEquals("GET /next HTTP/1.1\r\n\r\n", new String(wire, wire.length - rest.remaining(), rest.remaining(),
                    StandardCharsets.US_ASCII), "what follows the body is left unread");
        }
    }

    @Test
    void a_broken_chunk_is_malformed() {
        for (String wire : new String[] {"x\r\n", "5\r\nhelloXX", "5\nhello\r\n", "1000000000000000\r\n"}) {
            GateFraming chunked = GateFraming.of(new GateHead.Framing.Chunked());
            assertThrows(GateError.class, () -> chunked.decode(ByteBuffer.wrap(ascii(wire)), ByteBuffer.allocate(64)), wire);
        }
    }

    @Test
    void a_known_length_takes_exactly_its_bytes() throws GateError {
        GateFraming length = GateFraming.of(new GateHead.Framing.Length(5));
        ByteBuffer from = ByteBuffer.wrap(ascii("helloGET /x"));
        ByteBuffer to = ByteBuffer.allocate(64);
        length.decode(from, to);
        assertTrue(length.complete());
        assertArrayEquals(ascii("hello"), java.util.Arrays.copyOf(to.array(), to.position()));
        assertEquals(6, from.remaining());
        assertFalse(GateFraming.of(new GateHead.Framing.Chunked()).complete());
    }

    @Test
    void an_error_is_one_json_line_the_cli_prints() {
        assertEquals("HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: 29\r\nConnection: close\r\n\r\n"
                + "{\"message\":\"say \\\"no\\\"\\nnow\"}", text(GateExchange.errorResponse(403, "say \"no\"\nnow", true)));
    }

    private static GateHead parse(String head) throws GateError {
        byte[] bytes = head.getBytes(StandardCharsets.ISO_8859_1);
        return GateHead.parse(bytes, bytes.length);
    }

    private static String unescape(String text) {
        return text.replace("\\r", "\r").replace("\\n", "\n").replace("\\u0000", "\u0000").replace("\\u00e9", "\u00e9");
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
