package dev.dockstep.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GuardTest {
    @Test
    void the_host_name_is_read_without_its_port_and_case() {
        assertEquals("localhost", Guard.hostName("LocalHost:7070"));
        assertEquals("[::1]", Guard.hostName("[::1]:7070"));
        assertEquals("127.0.0.1", Guard.hostName("127.0.0.1"));
        assertEquals("evil.example", Guard.hostName("evil.example.:80"));
        assertEquals("", Guard.hostName(null));
    }

    @Test
    void without_a_public_url_only_localhost_names_and_ip_addresses_are_served() {
        Guard guard = new Guard(Optional.empty());
        for (String host : new String[] {"localhost:7070", "LOCALHOST", "class.localhost:7070", "127.0.0.1:7070",
                "192.168.1.20:7070", "[::1]:7070", "[fe80::1]"}) {
            assertEquals(true, guard.allowed(Guard.hostName(host)), host);
        }
        for (String host : new String[] {"evil.example:7070", "localhost.evil.example", "127.0.0.1.nip.io", "", "evil"}) {
            assertEquals(false, guard.allowed(Guard.hostName(host)), host);
        }
    }

    @Test
    void a_public_url_adds_its_own_name_and_no_other() {
        Guard guard = new Guard(Optional.of(URI.create("https://Class.Example.org/")));
        assertEquals(true, guard.allowed(Guard.hostName("class.example.org")));
        assertEquals(true, guard.allowed(Guard.hostName("class.example.org:443")));
        assertEquals(true, guard.allowed(Guard.hostName("localhost:7070")));
        assertEquals(false, guard.allowed(Guard.hostName("evil.example.org")));
        assertEquals(false, guard.allowed(Guard.hostName("class.example.org.evil.example")));
    }
}
