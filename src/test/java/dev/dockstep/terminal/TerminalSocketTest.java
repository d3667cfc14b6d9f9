package dev.dockstep.terminal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TerminalSocketTest {
    @Test
    void the_servers_own_origin_is_accepted_over_http_and_https() {
        assertTrue(TerminalSocket.sameOrigin("http://localhost:7070", "localhost:7070"));
        assertTrue(TerminalSocket.sameOrigin("https://class.example.org", "class.example.org"));
        assertTrue(TerminalSocket.sameOrigin("HTTP://LocalHost:7070", "localhost:7070"));
    }

    @Test
    void another_sites_origin_is_refused_however_close_it_looks() {
        assertFalse(TerminalSocket.sameOrigin("http://evil.example", "localhost:7070"));
        assertFalse(TerminalSocket.sameOrigin("http://localhost:7071", "localhost:7070"));
        assertFalse(TerminalSocket.sameOrigin("http://localhost:7070.evil.example", "localhost:7070"));
        assertFalse(TerminalSocket.sameOrigin("http://evil.example/localhost:7070", "localhost:7070"));
        assertFalse(TerminalSocket.sameOrigin("null", "localhost:7070"));
        assertFalse(TerminalSocket.sameOrigin("file://localhost:7070", "localhost:7070"));
    }

    @Test
    void a_missing_origin_or_host_is_refused() {
        assertFalse(TerminalSocket.sameOrigin(null, "localhost:7070"));
        assertFalse(TerminalSocket.sameOrigin("http://localhost:7070", null));
    }
}
