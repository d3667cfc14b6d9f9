package dev.dockstep.web;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.EagerContentHandler;
import org.eclipse.jetty.server.handler.EagerContentHandler.ContentLoader;
import org.eclipse.jetty.server.handler.EagerContentHandler.ContentLoaderFactory;
import org.eclipse.jetty.util.Callback;

/**
 * Reads each request body in full before a handler gets a thread: a body sent a byte at a time
 * then holds a connection, not one of the pool's threads. Two things Jetty's loaders forgive are
 * not forgiven here. A client that goes quiet for the idle timeout is answered 408 at once (Jetty
 * would wait again, and again). And each chunk counts 4 KB
 * more than it holds, so a trickle is refused (413) after a few dozen chunks, while a real body
 * (under a kilobyte here) arrives in one or two.
 */
final class EagerBodies {
    private static final int CHUNK_COST = 4096;

    private EagerBodies() {
    }

    static EagerContentHandler handler(long maxBody) {
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
