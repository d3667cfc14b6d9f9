package dev.dockstep.terminal;

import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.UnauthorizedResponse;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import io.javalin.websocket.WsMessageContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.websocket.api.Callback;

/**
 * The terminal's WebSocket, {@value #PATH}: the web side of {@link Terminals}.
 *
 * <p>The upgrade needs the signed-in session's cookie and an {@code Origin} that is this server
 * (401 and 403 otherwise), so another site's page cannot open a learner's shell. The learner
 * comes from the session alone; nothing a page sends names whose shell it is.
 *
 * <p>The protocol. The page sends text messages whose first character says what they are:
 * <pre>
 *   s TAB COLS ROWS   first, once: attach this page to its shell, starting one if needed. TAB is the
 *                     page's own name for its shell (8-64 of A-Z a-z 0-9 _ -), kept across reloads
 *   i TEXT            input: what was typed or pasted (the page sends at most 4 KiB a message)
 *   r COLS ROWS       the terminal's size changed
 *   p                 keep-alive, every 30 s; a connection silent for 120 s is closed
 * </pre>
 * (without the spaces after the first character of {@code i}). The server sends the shell's
 * output as binary messages of raw bytes (UTF-8), and closes with 4000 when the shell ended,
 * 4001 when another window took the shell, 4003 when no shell could be given (the reason was
 * sent as output first), 4400 on a message it does not understand.
 */
public final class TerminalSocket {
    public static final String PATH = "/terminal";
    static final String SESSION_COOKIE = "dockstep_session";
    static final int ENDED = 4000;
    static final int TAKEN_OVER = 4001;
    static final int REFUSED = 4003;
    static final int BAD_MESSAGE = 4400;
    private static final String LEARNER = "terminal-learner";
    private static final long MAX_MESSAGE = 64 * 1024;
    /** Background tabs may run the page's 30 s keep-alive only once a minute. */
    private static final Duration SILENCE = Duration.ofSeconds(120);
    private static final Pattern START = Pattern.compile("([A-Za-z0-9_-]{8,64}) (\\d{1,4}) (\\d{1,4})");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,4}) (\\d{1,4})");

    private final Terminals terminals;
    private final Sessions sessions;
    private final Map<String, Page> pages = new ConcurrentHashMap<>();

    public TerminalSocket(Terminals terminals, Sessions sessions) {
        this.terminals = terminals;
        this.sessions = sessions;
    }

    /** Before the upgrade: this server's own page, and a signed-in learner, or no WebSocket. */
    public void beforeUpgrade(Context ctx) {
        if (!sameOrigin(ctx.header("Origin"), ctx.header("Host"))) {
            throw new ForbiddenResponse("The terminal only opens from this server's own pages.");
        }
        // Behind TLS the session cookie carries the __Host- prefix (see web/Auth).
        String token = ctx.cookie("__Host-" + SESSION_COOKIE) != null ? ctx.cookie("__Host-" + SESSION_COOKIE)
                : ctx.cookie(SESSION_COOKIE);
        String learner = sessions.learner(token).orElseThrow(() -> new UnauthorizedResponse("Sign in first."));
        ctx.attribute(LEARNER, learner);
    }

    /** A browser always names the page's origin; it must be this server as the browser reached it. */
    static boolean sameOrigin(String origin, String host) {
        if (origin == null || host == null) {
            return false;
        }
        String lower = origin.toLowerCase(Locale.ROOT);
        String bare = lower.startsWith("https://") ? lower.substring(8) : lower.startsWith("http://") ? lower.substring(7) : null;
        return bare != null && bare.equals(host.toLowerCase(Locale.ROOT));
    }

    /** The WebSocket's handlers. */
    public void configure(WsConfig ws) {
        ws.onConnect(ctx -> {
            String learner = ctx.attribute(LEARNER);
            if (learner == null) {
                ctx.closeSession(REFUSED, "Sign in first.");
                return;
            }
            ctx.session.setMaxTextMessageSize(MAX_MESSAGE);
            ctx.session.setMaxBinaryMessageSize(1024);
            ctx.session.setIdleTimeout(SILENCE);
            pages.put(ctx.sessionId(), new Page(ctx, learner));
        });
        ws.onMessage(this::message);
        ws.onBinaryMessage(ctx -> ctx.closeSession(BAD_MESSAGE, "Send text messages."));
        ws.onClose(ctx -> gone(ctx.sessionId()));
        ws.onError(ctx -> gone(ctx.sessionId()));
    }

    private void message(WsMessageContext ctx) {
        Page page = pages.get(ctx.sessionId());
        String message = ctx.message();
        if (page == null || message.isEmpty()) {
            return;
        }
        String rest = message.substring(1);
        switch (message.charAt(0)) {
            case 's' -> page.start(rest);
            case 'i' -> page.input(rest);
            case 'r' -> page.resize(rest);
            case 'p' -> { }
            default -> ctx.closeSession(BAD_MESSAGE, "Unknown message.");
        }
    }

    private void gone(String sessionId) {
        Page page = pages.remove(sessionId);
        if (page != null) {
            page.detach();
        }
    }

    /** One page's connection, and the shell it shows. */
    private final class Page implements Shell.Screen {
        private final WsContext ctx;
        private final String learner;
        private volatile Shell shell;
        private volatile long lastDropNotice;

        Page(WsContext ctx, String learner) {
            this.ctx = ctx;
            this.learner = learner;
        }

        synchronized void start(String args) {
            Matcher m = START.matcher(args);
            if (shell != null || !m.matches()) {
                ctx.closeSession(BAD_MESSAGE, shell != null ? "Already started." : "Start with: s TAB COLS ROWS.");
                return;
            }
            Terminals.Opening opening = terminals.open(learner, m.group(1), cols(m.group(2)), rows(m.group(3)), this);
            if (opening instanceof Terminals.Opening.Attached attached) {
                shell = attached.shell();
            } else if (opening instanceof Terminals.Opening.Refused refused) {
                say(refused.reason());
                close(REFUSED, refused.reason());
            }
        }

        void input(String text) {
            Shell now = shell;
            if (now != null && !now.input(text.getBytes(StandardCharsets.UTF_8))
                    && System.nanoTime() - lastDropNotice > 5_000_000_000L) {
                lastDropNotice = System.nanoTime();
                say("The shell is not reading what you type; some of it was dropped.");
            }
        }

        void resize(String args) {
            Matcher m = SIZE.matcher(args);
            Shell now = shell;
            if (!m.matches()) {
                ctx.closeSession(BAD_MESSAGE, "Resize with: r COLS ROWS.");
            } else if (now != null) {
                now.resize(cols(m.group(1)), rows(m.group(2)));
            }
        }

        void detach() {
            Shell now = shell;
            if (now != null) {
                now.detach(this);
            }
        }

        /** A line from dockstep itself, in the terminal. */
        private void say(String line) {
            output(ByteBuffer.wrap(("\r\n\u001b[1;33mdockstep:\u001b[0m " + line + "\r\n").getBytes(StandardCharsets.UTF_8)),
                    () -> { });
        }

        @Override
        public void output(ByteBuffer bytes, Runnable sent) {
            ctx.session.sendBinary(bytes, Callback.from(sent, failure -> sent.run()));
        }

        @Override
        public void close(int code, String reason) {
            pages.remove(ctx.sessionId());
            // A close frame's reason has room for 123 bytes.
            ctx.closeSession(code, reason.length() > 120 ? reason.substring(0, 117) + "..." : reason);
        }
    }

    private static int cols(String digits) {
        return Math.max(2, Math.min(500, Integer.parseInt(digits)));
    }

    private static int rows(String digits) {
        return Math.max(2, Math.min(300, Integer.parseInt(digits)));
    }
}
