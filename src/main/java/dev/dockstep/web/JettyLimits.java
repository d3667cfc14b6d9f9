package dev.dockstep.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.JettyConfig;
import java.nio.ByteBuffer;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.EagerContentHandler;
import org.eclipse.jetty.server.handler.EagerContentHandler.ContentLoader;
import org.eclipse.jetty.server.handler.EagerContentHandler.ContentLoaderFactory;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * What Jetty does with a slow or broken client, before any of dockstep's handlers sees it.
 *
 * <p>Each request body is read in full before a handler gets a thread: a body sent a byte at a
 * time then holds a connection, not one of the pool's threads. Two things Jetty's loaders
 * forgive are not forgiven here. A client that goes quiet for the idle timeout is answered 408 at
 * once (Jetty would wait again, and again). And each chunk counts 4 KB more than it holds, so a
 * trickle is refused (413) after a few dozen chunks, while a real body (under a kilobyte here)
 * arrives in one or two. A request Jetty cannot parse is answered with one line of JSON.
 */
final class JettyLimits {
    private static final int CHUNK_COST = 4096;
    private static final ObjectMapper JSON = new ObjectMapper();

    private JettyLimits() {
    }

    static void apply(JettyConfig jetty, Limits limits, long maxBody) {
        long idle = limits.idleTimeout().toMillis();
        jetty.modifyHttpConfiguration(http -> {
            // While a request is open: a client quiet this long, or sending slower than this, is cut off.
            http.setIdleTimeout(idle);
            http.setMinRequestDataRate(limits.minRequestBytesPerSecond());
            http.setSendServerVersion(false);
        });
        jetty.modifyServer(server -> {
            server.setHandler(eagerBodies(maxBody));
            server.setErrorHandler(JettyLimits::protocolError);
            // Between requests too; Javalin's connector would keep Jetty's 30 s.
            server.addEventListener(new LifeCycle.Listener() {
                @Override
                public void lifeCycleStarting(LifeCycle event) {
                    for (var connector : server.getConnectors()) {
                        if (connector instanceof AbstractConnector network) {
                            network.setIdleTimeout(idle);
                        }
                    }
                }
            });
        });
    }

    /**
     * Jetty's own answer to a request it cannot parse or refuses before dockstep sees it (a bad
     * Content-Length or URI, a body too slow or too large): one line of JSON, as dockstep's own.
     */
    private static boolean protocolError(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        String reason = request.getAttribute(ErrorHandler.ERROR_MESSAGE) instanceof String text && !text.isBlank()
                && !text.equals(HttpStatus.getMessage(status)) ? text.lines().findFirst().orElse("") : "";
        String message = ClientError.describe(status) + (reason.isEmpty() || status != 400 ? "" : " (" + reason + ")");
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        try {
            response.write(true, ByteBuffer.wrap(JSON.writeValueAsBytes(Map.of("error", message))), callback);
        } catch (JsonProcessingException e) {
            callback.failed(e);
        }
        return true;
    }

    private static EagerContentHandler eagerBodies(long maxBody) {
        // Forms too are kept as their bytes: Javalin reads a form from the body, which Jetty's own
        // form loader would have used up.
        return new EagerContentHandler(
                new QuietEndsBody(new EagerContentHandler.RetainedContentLoaderFactory(2 * maxBody, CHUNK_COST, true)));
    }

    /**
     * A loader whose client, quiet for the idle timeout, is answered 408 and heard no more: Jetty
     * would count the timeout as a passing failure and wait again.
     */
    private record QuietEndsBody(ContentLoaderFactory loader) implements ContentLoaderFactory {
        @Override
        public String getApplicableMimeType() {
            return loader.getApplicableMimeType();
        }

        @Override
        public ContentLoader newContentLoader(String contentType, String mimeType, Handler handler, Request request,
                                              Response response, Callback callback) {
            return loader.newContentLoader(contentType, mimeType, handler, new Request.Wrapper(request) {
                private boolean answered;

                @Override
                public Content.Chunk read() {
                    Content.Chunk chunk = super.read();
                    if (Content.Chunk.isFailure(chunk, false)) {
                        answered = true;
                        Response.writeError(request, response, callback, HttpStatus.REQUEST_TIMEOUT_408);
                        return null;
                    }
                    return chunk;
                }

                @Override
                public void demand(Runnable demandCallback) {
                    if (!answered) {
                        super.demand(demandCallback);
                    }
                }
            }, response, callback);
        }
    }
}
