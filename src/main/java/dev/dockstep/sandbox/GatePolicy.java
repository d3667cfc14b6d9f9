package dev.dockstep.sandbox;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Decides one Docker API request from a learner's CLI: allowed, or refused with the one line the
 * CLI prints ({@code Error response from daemon: dockstep: this sandbox does not allow --privileged}).
 * It is an allow-list of what lessons need; anything it does not name is refused. Pure: the same
 * request always gets the same verdict, and nothing here touches a socket.
 *
 * <p>Most requests are decided from the method and target alone. For the few whose JSON body
 * holds the dangerous part (container create, start and update, exec create, volume create,
 * login), {@link #judge(String, String)} answers {@link Verdict.ReadBody}, and the caller asks
 * again with the whole body through {@link #judge(String, String, byte[])}.
 */
public final class GatePolicy {
    /** What the gate does with one request. */
    public sealed interface Verdict {
        /**
         * Send the request on, to {@code target} (the path the policy judged, version prefix kept).
         * {@code hijack}: the daemon may turn the connection into a raw stream (attach, exec start).
         */
        record Allow(String target, boolean hijack) implements Verdict {
        }

        /** Read the whole body and judge again with it. */
        record ReadBody() implements Verdict {
        }

        /** Answer {@code status} with {@code {"message": message}}, one line. */
        record Refuse(int status, String message) implements Verdict {
        }
    }

    private enum Body { CONTAINER_CREATE, CONTAINER_START, CONTAINER_UPDATE, EXEC_CREATE, VOLUME_CREATE, AUTH }

    /** How a route is decided: at once, or by a rule on its body. */
    private record Route(Verdict verdict, Body body) {
        static Route allow(GateTarget target) {
            return new Route(new Verdict.Allow(target.forward(), false), null);
        }

        static Route hijack(GateTarget target) {
            return new Route(new Verdict.Allow(target.forward(), true), null);
        }

        static Route inspect(Body body) {
            return new Route(new Verdict.ReadBody(), body);
        }

        static Route refuse(String what) {
            return new Route(new Verdict.Refuse(403, "dockstep: this sandbox does not allow " + what), null);
        }

        static Route refuse(Verdict.Refuse refusal) {
            return new Route(refusal, null);
        }
    }

    private static final String DOCKER_HUB = "docker.io";
    private static final Set<String> DOCKER_HUB_ALIASES = Set.of("docker.io", "index.docker.io", "registry-1.docker.io");
    /** A registry address as {@code docker login} sends it: an optional scheme, a host, an optional port and path. */
    private static final Pattern SERVER_ADDRESS = Pattern.compile(
            "(?:https?://)?([A-Za-z0-9.-]+(?::[0-9]{1,5})?)(?:/[A-Za-z0-9._/-]*)?");
    private static final Pattern REFERENCE_BYTES = Pattern.compile("[A-Za-z0-9._:@/-]+");
    private static final Set<String> CONTAINER_READS = Set.of("json", "top", "logs", "stats", "changes", "export", "archive");
    private static final Set<String> CONTAINER_ACTIONS = Set.of("stop", "kill", "restart", "wait", "resize", "pause",
            "unpause", "rename");
    private static final List<String> SWARM = List.of("swarm", "services", "secrets", "configs", "nodes", "tasks");

    private final Set<String> registries;

    /**
     * @param registries the registries the sandbox may reach, as images name them ({@code localhost:5000});
     *                   {@code docker.io} also admits Docker Hub's other host names
     */
    public GatePolicy(Set<String> registries) {
        this.registries = registries.stream().map(r -> r.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    public Set<String> registries() {
        return registries;
    }

    /** Judges a request from its method and target ({@code /v1.41/images/json?all=1}). */
    public Verdict judge(String method, String target) {
        try {
            return route(method, GateTarget.parse(target)).verdict();
        } catch (GateError e) {
            return new Verdict.Refuse(e.status(), e.getMessage());
        }
    }

    /** Judges a request with its whole body; for requests that need no body, the body is not read. */
    public Verdict judge(String method, String target, byte[] body) {
        try {
            GateTarget parsed = GateTarget.parse(target);
            Route route = route(method, parsed);
            if (route.body() == null) {
                return route.verdict();
            }
            Optional<String> refusal = switch (route.body()) {
                case CONTAINER_CREATE -> GateBody.containerCreate(body);
                case CONTAINER_START -> GateBody.containerStart(body);
                case CONTAINER_UPDATE -> GateBody.containerUpdate(body);
                case EXEC_CREATE -> GateBody.execCreate(body);
                case VOLUME_CREATE -> GateBody.volumeCreate(body);
                case AUTH -> login(GateBody.authServer(body).orElse(""));
            };
            return refusal.<Verdict>map(message -> new Verdict.Refuse(403, message))
                    .orElseGet(() -> new Verdict.Allow(parsed.forward(), false));
        } catch (GateError e) {
            return new Verdict.Refuse(e.status(), e.getMessage());
        }
    }

    private Route route(String method, GateTarget target) throws GateError {
        List<String> s = target.segments();
        int n = s.size();
        String first = n == 0 ? "" : s.get(0);
        String last = n == 0 ? "" : s.get(n - 1);
        switch (method) {
            case "HEAD":
                if (s.equals(List.of("_ping")) || first.equals("containers") && n == 3 && last.equals("archive")) {
                    return Route.allow(target);
                }
                break;
            case "GET":
                if (n == 1 && Set.of("_ping", "version", "info", "events").contains(first)
                        || s.equals(List.of("system", "df"))) {
                    return Route.allow(target);
                }
                if (first.equals("images")) {
                    if (s.equals(List.of("images", "search"))) {
                        return Route.refuse("docker search (it asks Docker Hub)");
                    }
                    if (n == 2 && Set.of("json", "get").contains(last)
                            || n >= 3 && Set.of("json", "history", "get").contains(last)) {
                        return Route.allow(target);
                    }
                }
                if (first.equals("containers")
                        && (s.equals(List.of("containers", "json")) || n == 3 && CONTAINER_READS.contains(last))) {
                    return Route.allow(target);
                }
                if (first.equals("exec") && n == 3 && last.equals("json")) {
                    return Route.allow(target);
                }
                if ((first.equals("volumes") || first.equals("networks")) && n <= 2) {
                    return Route.allow(target);
                }
                if (first.equals("distribution") && n >= 3 && last.equals("json")) {
                    return registry(target, name(s));
                }
                // Read-only, so that docker inspect can ask for each kind of object in turn.
                if (first.equals("plugins") && (n == 1 || n >= 3 && last.equals("json"))) {
                    return Route.allow(target);
                }
                break;
            case "POST":
                if (s.equals(List.of("auth"))) {
                    return Route.inspect(Body.AUTH);
                }
                if (s.equals(List.of("commit"))) {
                    return Route.allow(target);
                }
                if (first.equals("images")) {
                    if (s.equals(List.of("images", "create"))) {
                        return imagesCreate(target);
                    }
                    if (s.equals(List.of("images", "load")) || s.equals(List.of("images", "prune"))) {
                        return Route.allow(target);
                    }
                    if (n >= 3 && last.equals("tag")) {
                        return Route.allow(target);
                    }
                    if (n >= 3 && last.equals("push")) {
                        return registry(target, name(s));
                    }
                }
                if (first.equals("containers")) {
                    if (s.equals(List.of("containers", "create"))) {
                        return Route.inspect(Body.CONTAINER_CREATE);
                    }
                    if (s.equals(List.of("containers", "prune"))) {
                        return Route.allow(target);
                    }
                    if (n == 3) {
                        switch (last) {
                            case "start":
                                return Route.inspect(Body.CONTAINER_START);
                            case "update":
                                return Route.inspect(Body.CONTAINER_UPDATE);
                            case "exec":
                                return Route.inspect(Body.EXEC_CREATE);
                            case "attach":
                                return Route.hijack(target);
                            default:
                                if (CONTAINER_ACTIONS.contains(last)) {
                                    return Route.allow(target);
                                }
                        }
                    }
                }
                if (first.equals("exec") && n == 3) {
                    if (last.equals("start")) {
                        return Route.hijack(target);
                    }
                    if (last.equals("resize")) {
                        return Route.allow(target);
                    }
                }
                if (s.equals(List.of("volumes", "create"))) {
                    return Route.inspect(Body.VOLUME_CREATE);
                }
                if (s.equals(List.of("volumes", "prune"))) {
                    return Route.allow(target);
                }
                if (first.equals("build") || first.equals("session") || first.equals("grpc")) {
                    return Route.refuse("docker build");
                }
                if (first.equals("networks")) {
                    return Route.refuse("docker network " + switch (last) {
                        case "create", "connect", "disconnect", "prune" -> last;
                        default -> "changes";
                    });
                }
                break;
            case "PUT":
                if (first.equals("containers") && n == 3 && last.equals("archive")) {
                    return Route.allow(target);
                }
                break;
            case "DELETE":
                if (first.equals("images") && n >= 2
                        || (first.equals("containers") || first.equals("volumes")) && n == 2) {
                    return Route.allow(target);
                }
                if (first.equals("networks")) {
                    return Route.refuse("docker network rm");
                }
                break;
            default:
                break;
        }
        if (first.equals("plugins")) {
            return Route.refuse("docker plugin");
        }
        if (SWARM.contains(first)) {
            return Route.refuse("docker swarm (" + first + ")");
        }
        if (first.equals("build") || first.equals("session") || first.equals("grpc")) {
            return Route.refuse("docker build");
        }
        return Route.refuse(method + " " + target.path());
    }

    /** {@code POST /images/create}: a pull when it names fromImage, otherwise an import. */
    private Route imagesCreate(GateTarget target) throws GateError {
        String image = target.param("fromImage").orElse("");
        if (!image.isEmpty()) {
            return registry(target, image);
        }
        // The daemon fetches any other source, even an empty one, as a URL.
        if (!target.param("fromSrc").orElse("").equals("-")) {
            return Route.refuse("docker import from a URL (import a file: docker import FILE or -)");
        }
        return Route.allow(target);
    }

    /** Allows a request that reaches the registry of {@code image} only when that registry is allowed. */
    private Route registry(GateTarget target, String image) throws GateError {
        if (!REFERENCE_BYTES.matcher(image).matches()) {
            throw GateError.malformed("'" + GateBody.shown(image) + "' is not an image reference");
        }
        return reachable(registryOf(image)) ? Route.allow(target) : Route.refuse(onlyReaches());
    }

    private Optional<String> login(String serverAddress) throws GateError {
        // The daemon logs in to Docker Hub when no address is given.
        String host = DOCKER_HUB;
        if (!serverAddress.isEmpty()) {
            Matcher m = SERVER_ADDRESS.matcher(serverAddress);
            if (!m.matches()) {
                throw GateError.malformed("'" + GateBody.shown(serverAddress) + "' is not a registry address");
            }
            host = m.group(1);
        }
        return reachable(host) ? Optional.empty() : Optional.of(onlyReaches().message());
    }

    private boolean reachable(String host) {
        String registry = host.toLowerCase(Locale.ROOT);
        return registries.contains(registry)
                || DOCKER_HUB_ALIASES.contains(registry) && registries.contains(DOCKER_HUB);
    }

    private Verdict.Refuse onlyReaches() {
        Set<String> sorted = new TreeSet<>(registries);
        return new Verdict.Refuse(403, switch (sorted.size()) {
            case 0 -> "dockstep: this sandbox cannot reach any registry";
            case 1 -> "dockstep: this sandbox can only reach the registry " + sorted.iterator().next();
            default -> "dockstep: this sandbox can only reach the registries " + String.join(", ", sorted);
        });
    }

    /**
     * The registry host of an image name, split the way Docker's reference package splits it: the
     * first component is a host when it has a dot, a colon or an upper-case letter, or is localhost.
     */
    static String registryOf(String image) {
        int slash = image.indexOf('/');
        if (slash < 0) {
            return DOCKER_HUB;
        }
        String first = image.substring(0, slash);
        boolean host = first.contains(".") || first.contains(":") || first.equals("localhost")
                || !first.equals(first.toLowerCase(Locale.ROOT));
        return host ? first : DOCKER_HUB;
    }

    /** The image name in {@code images/NAME.../verb} or {@code distribution/NAME.../json}. */
    private static String name(List<String> segments) {
        return String.join("/", segments.subList(1, segments.size() - 1));
    }
}
