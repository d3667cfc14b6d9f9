package dev.dockstep.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ScrollbackTest {
    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void keeps_everything_while_it_fits() {
        Scrollback scrollback = new Scrollback(1024);
        scrollback.append(bytes("one\n"));
        scrollback.append(bytes("two\n"));
        assertEquals("one\ntwo\n", text(scrollback.snapshot()));
    }

    @Test
    void keeps_only_the_most_recent_output_starting_at_a_line() {
        Scrollback scrollback = new Scrollback(16);
        for (int i = 0; i < 100; i++) {
            scrollback.append(bytes("line " + i + "\n"));
        }
        assertEquals("line 99\n", text(scrollback.snapshot()));
        assertEquals(16, scrollback.held());
    }

    @Test
    void a_single_write_larger_than_the_bound_keeps_its_end() {
        Scrollback scrollback = new Scrollback(8);
        scrollback.append(bytes("0123456789\nabcdef\n"));
        assertEquals("", text(scrollback.snapshot()).replace("abcdef\n", ""));
        assertTrue(text(scrollback.snapshot()).length() <= 8);
    }

    @Test
    void a_quiet_shell_holds_a_few_kib_not_the_bound() {
        Scrollback scrollback = new Scrollback(256 * 1024);
        scrollback.append(bytes("$ "));
        assertTrue(scrollback.held() <= 4096, "holds " + scrollback.held());
    }

    @Test
    void growing_keeps_the_order_of_what_was_written() {
        Scrollback scrollback = new Scrollback(64 * 1024);
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            String line = "row " + i + "\n";
            all.append(line);
            scrollback.append(bytes(line));
        }
        String kept = text(scrollback.snapshot());
        assertTrue(all.toString().endsWith(kept));
        assertTrue(kept.startsWith("row "), kept.substring(0, 20));
    }

    @Test
    void after_any_mix_of_writes_it_holds_exactly_the_latest_bytes_in_order() {
        java.util.Random random = new java.util.Random(42);
        for (int round = 0; round < 200; round++) {
            int capacity = 1 + random.nextInt(20_000);
            Scrollback scrollback = new Scrollback(capacity);
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            int writes = random.nextInt(50);
            for (int i = 0; i < writes; i++) {
                byte[] chunk = new byte[random.nextInt(random.nextBoolean() ? 100 : 30_000)];
                for (int b = 0; b < chunk.length; b++) {
                    chunk[b] = (byte) ('a' + random.nextInt(26));
                }
                all.writeBytes(chunk);
                scrollback.append(chunk);
            }
            all.writeBytes(bytes("\nend"));
            scrollback.append(bytes("\nend"));
            byte[] expected = all.toByteArray();
            byte[] latest = java.util.Arrays.copyOfRange(expected, Math.max(0, expected.length - capacity), expected.length);
            String kept = text(scrollback.snapshot());
            assertTrue(text(latest).endsWith(kept), "round " + round);
            assertTrue(kept.endsWith("end") || capacity < 4, "round " + round + ": " + kept);
        }
    }
}
