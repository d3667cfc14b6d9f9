package dev.dockstep.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.App;
import dev.dockstep.harness.TestApp;
import dev.dockstep.harness.WebClient;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A lesson page and everything it loads stay under 300 KB compressed, with no build step, and
 * under 400 KB before compression: the terminal's xterm.js is 291 KB of it (64 KB gzipped, and
 * the server gzips it for every browser that asks).
 */
class FrontEndWeightIT {
    private static final int COMPRESSED_BUDGET = 300 * 1024;
    private static final int UNCOMPRESSED_BUDGET = 400 * 1024;
    private static final Pattern ASSET = Pattern.compile("(?:href|src)=\"(/(?:static|webjars)/[^\"]+)\"");
    private static TestApp server;
    private static App app;

    @BeforeAll
    static void start() {
        server = TestApp.start(Path.of("lessons"), config -> config);
        app = server.app();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void every_lesson_page_with_its_assets_is_under_300_kb_compressed_and_400_kb_uncompressed() throws Exception {
        WebClient web = new WebClient("http://localhost:" + app.port()).signUp("weigher", "weigher-password");
        int heaviest = 0;
        int heaviestRaw = 0;
        String which = "";
        for (String lesson : new String[] {"registries", "account", "login", "tag", "push", "pull", "latest",
                "frontend", "summary"}) {
            var page = web.get("/courses/docker-hub/" + lesson);
            assertEquals(200, page.statusCode(), lesson);
            Set<String> assets = new LinkedHashSet<>();
            Matcher m = ASSET.matcher(page.body());
            while (m.find()) {
                assets.add(m.group(1));
            }
            assertTrue(assets.stream().anyMatch(a -> a.endsWith(".css")) && assets.stream().anyMatch(a -> a.endsWith(".js")),
                    "the page loads its own css and js: " + assets);
            int total = gzipped(page.body().getBytes());
            int raw = page.body().getBytes().length;
            for (String asset : assets) {
                var response = web.send(HttpRequest.newBuilder(URI.create("http://localhost:" + app.port() + asset)));
                assertEquals(200, response.statusCode(), asset);
                total += gzipped(response.body().getBytes());
                raw += response.body().getBytes().length;
            }
            if (total > heaviest) {
                heaviest = total;
                heaviestRaw = raw;
                which = lesson;
            }
        }
        System.out.printf("heaviest lesson page: %s, %.1f KB gzipped with its assets (%.1f KB uncompressed)%n", which,
                heaviest / 1024.0, heaviestRaw / 1024.0);
        assertTrue(heaviest < COMPRESSED_BUDGET, which + " weighs " + heaviest + " bytes");
        assertTrue(heaviestRaw < UNCOMPRESSED_BUDGET, which + " sends " + heaviestRaw + " bytes");
    }

    /** What a gzip-encoding transfer would carry (the server may send less, never needs more). */
    private static int gzipped(byte[] body) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(body);
        }
        return out.size();
    }
}
