package dev.dockstep.web;

import dev.dockstep.account.Learner;
import dev.dockstep.check.RegistryUnavailable;
import dev.dockstep.registry.AccessTokens;
import dev.dockstep.registry.RepositoryBrowser;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.ServiceUnavailableResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The practice registry's pages, as Docker Hub has them: a learner's personal access tokens
 * (make, list, revoke) and the repositories they may see (tags, digests, sizes, push times,
 * visibility, deleting a tag). Each is an HTML page with CSRF-checked forms and a JSON endpoint.
 * On a server that sends learners to real Docker Hub, they point there instead.
 */
public final class RegistryPages {
    /** What the pages ask; absent when learners use Docker Hub. */
    public record Services(AccessTokens tokens, RepositoryBrowser repositories) {
    }

    private final Optional<Services> services;

    RegistryPages(Optional<Services> services) {
        this.services = services;
    }

    private Services services() {
        return services.orElseThrow(() -> new NotFoundResponse("This server's learners use Docker Hub: manage your"
                + " repositories and access tokens at https://hub.docker.com."));
    }

    // ---- access tokens

    void tokensPage(Context ctx) {
        Learner learner = Auth.require(ctx);
        renderTokens(ctx, learner, 200, Map.of());
    }

    void createToken(Context ctx) {
        Auth.requireCsrf(ctx);
        Learner learner = Auth.require(ctx);
        AccessTokens.Creation made = services().tokens().create(learner.name(), ctx.formParam("description"),
                ctx.formParam("scope"));
        if (made instanceof AccessTokens.Creation.Made token) {
            renderTokens(ctx, learner, 200, Map.of("created", token.secret(), "createdToken", token.token()));
        } else {
            renderTokens(ctx, learner, 400, Map.of("error", ((AccessTokens.Creation.Refused) made).reason(),
                    "description", shown(ctx.formParam("description"))));
        }
    }

    void revokeToken(Context ctx) {
        Auth.requireCsrf(ctx);
        Learner learner = Auth.require(ctx);
        if (!services().tokens().revoke(learner.name(), String.valueOf(ctx.formParam("id")))) {
            renderTokens(ctx, learner, 404, Map.of("error", "You have no active access token with that id."));
            return;
        }
        ctx.redirect("/tokens");
    }

    private void renderTokens(Context ctx, Learner learner, int status, Map<String, Object> extra) {
        Map<String, Object> page = new LinkedHashMap<>(Map.of("tokens", services().tokens().list(learner.name()),
                "created", "", "error", "", "description", ""));
        page.put("createdToken", null);
        page.putAll(extra);
        page.put("registry", services().repositories().registryAddress());
        ctx.status(status).render("tokens", Pages.model(ctx, page));
    }

    void apiTokens(Context ctx) {
        Learner learner = Auth.require(ctx);
        ctx.json(Map.of("tokens", services().tokens().list(learner.name()).stream().map(RegistryPages::json).toList()));
    }

    void apiCreateToken(Context ctx) {
        Learner learner = Auth.require(ctx);
        var body = Api.json(ctx);
        AccessTokens.Creation made = services().tokens().create(learner.name(), body.path("description").asText(null),
                body.path("scope").asText(null));
        if (made instanceof AccessTokens.Creation.Made token) {
            Map<String, Object> answer = json(token.token());
            answer.put("token", token.secret());
            ctx.status(201).json(answer);
        } else {
            throw new BadRequestResponse(((AccessTokens.Creation.Refused) made).reason());
        }
    }

    void apiRevokeToken(Context ctx) {
        Learner learner = Auth.require(ctx);
        if (!services().tokens().revoke(learner.name(), ctx.pathParam("id"))) {
            throw new NotFoundResponse("You have no active access token with the id '" + shown(ctx.pathParam("id"))
                    + "'.");
        }
        ctx.json(Map.of("id", ctx.pathParam("id"), "revoked", true));
    }

    private static Map<String, Object> json(AccessTokens.Token token) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", token.id());
        row.put("description", token.description());
        row.put("scope", token.scope().label());
        row.put("createdAt", token.createdAt().toString());
        row.put("lastUsedAt", token.lastUsedAt().map(Instant::toString).orElse(null));
        row.put("revokedAt", token.revokedAt().map(Instant::toString).orElse(null));
        row.put("active", token.active());
        return row;
    }

    // ---- repositories

    void repositoriesPage(Context ctx) {
        Learner learner = Auth.require(ctx);
        ctx.render("repositories", Pages.model(ctx, Map.of("listing", listing(learner), "error", "", "name", "")));
    }

    void createRepository(Context ctx) {
        Auth.requireCsrf(ctx);
        Learner learner = Auth.require(ctx);
        String name = ctx.formParam("name");
        RepositoryBrowser.Outcome outcome = ask(() -> services().repositories().create(learner, name,
                "private".equals(ctx.formParam("visibility"))));
        if (outcome instanceof RepositoryBrowser.Outcome.Done) {
            String full = name.strip().contains("/") ? name.strip() : learner.name() + "/" + name.strip();
            ctx.redirect("/repositories/" + full);
            return;
        }
        ctx.status(400).render("repositories", Pages.model(ctx, Map.of("listing", listing(learner),
                "error", outcome.message(), "name", shown(name))));
    }

    void repositoryPage(Context ctx) {
        Learner learner = Auth.require(ctx);
        renderRepository(ctx, learner, ctx.pathParam("name"), 200, "", "");
    }

    void setVisibility(Context ctx) {
        Auth.requireCsrf(ctx);
        Learner learner = Auth.require(ctx);
        String name = String.valueOf(ctx.formParam("name"));
        RepositoryBrowser.Outcome outcome = ask(() -> services().repositories().setPrivate(learner, name,
                "private".equals(ctx.formParam("visibility"))));
        respondOnPage(ctx, learner, name, outcome);
    }

    void deleteTag(Context ctx) {
        Auth.requireCsrf(ctx);
        Learner learner = Auth.require(ctx);
        String name = String.valueOf(ctx.formParam("name"));
        RepositoryBrowser.Outcome outcome = ask(() -> services().repositories().deleteTag(learner, name,
                ctx.formParam("tag")));
        respondOnPage(ctx, learner, name, outcome);
    }

    private void respondOnPage(Context ctx, Learner learner, String name, RepositoryBrowser.Outcome outcome) {
        if (outcome instanceof RepositoryBrowser.Outcome.Unknown unknown) {
            throw new NotFoundResponse(unknown.message());
        }
        boolean done = outcome instanceof RepositoryBrowser.Outcome.Done;
        renderRepository(ctx, learner, name, done ? 200 : 403, done ? outcome.message() : "",
                done ? "" : outcome.message());
    }

    private void renderRepository(Context ctx, Learner learner, String name, int status, String notice, String error) {
        RepositoryBrowser.Detail detail = ask(() -> services().repositories().detail(learner, name))
                .orElseThrow(() -> new NotFoundResponse("There is no repository "
                        + services().repositories().registryAddress() + "/" + shown(name) + "."));
        ctx.status(status).render("repository", Pages.model(ctx, Map.of("repo", detail, "notice", notice,
                "error", error, "sizes", detail.tags().stream().map(t -> size(t.size(), t.platforms())).toList())));
    }

    void apiRepositories(Context ctx) {
        Learner learner = Auth.require(ctx);
        RepositoryBrowser.Listing listing = listing(learner);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("registry", listing.registry());
        body.put("mine", listing.mine().stream().map(RegistryPages::json).toList());
        body.put("others", listing.others().stream().map(RegistryPages::json).toList());
        body.put("notListed", listing.hidden());
        ctx.json(body);
    }

    void apiRepository(Context ctx) {
        Learner learner = Auth.require(ctx);
        String name = ctx.pathParam("name");
        RepositoryBrowser.Detail detail = ask(() -> services().repositories().detail(learner, name)).orElseThrow(
                () -> new NotFoundResponse("There is no repository " + services().repositories().registryAddress()
                        + "/" + shown(name) + "."));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("registry", detail.registry());
        body.put("name", detail.name());
        body.put("owner", detail.owner());
        body.put("isPrivate", detail.isPrivate());
        body.put("pullCommand", detail.pullCommand());
        body.put("tags", detail.tags().stream().map(tag -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("tag", tag.tag());
            row.put("digest", tag.digest());
            row.put("size", tag.size());
            row.put("platforms", tag.platforms());
            row.put("pushedAt", tag.pushedAt().map(Instant::toString).orElse(null));
            row.put("pullCommand", tag.pullCommand());
            return row;
        }).toList());
        body.put("tagsNotListed", detail.hiddenTags());
        ctx.json(body);
    }

    private static Map<String, Object> json(RepositoryBrowser.Summary summary) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", summary.name());
        row.put("owner", summary.owner());
        row.put("isPrivate", summary.isPrivate());
        row.put("tags", summary.tags());
        row.put("lastPushedAt", summary.lastPushed().map(Instant::toString).orElse(null));
        return row;
    }

    void apiCreateRepository(Context ctx) {
        Learner learner = Auth.require(ctx);
        var body = Api.json(ctx);
        answer(ctx, ask(() -> services().repositories().create(learner, body.path("name").asText(null),
                body.path("private").asBoolean(false))), 201);
    }

    void apiSetVisibility(Context ctx) {
        Learner learner = Auth.require(ctx);
        var body = Api.json(ctx);
        if (!body.path("private").isBoolean()) {
            throw new BadRequestResponse("Send {\"name\": \"" + learner.name() + "/app\", \"private\": true} or false.");
        }
        answer(ctx, ask(() -> services().repositories().setPrivate(learner, body.path("name").asText(""),
                body.path("private").asBoolean())), 200);
    }

    void apiDeleteTag(Context ctx) {
        Learner learner = Auth.require(ctx);
        var body = Api.json(ctx);
        answer(ctx, ask(() -> services().repositories().deleteTag(learner, body.path("name").asText(""),
                body.path("tag").asText(""))), 200);
    }

    private static void answer(Context ctx, RepositoryBrowser.Outcome outcome, int status) {
        if (outcome instanceof RepositoryBrowser.Outcome.Unknown) {
            throw new NotFoundResponse(outcome.message());
        }
        if (outcome instanceof RepositoryBrowser.Outcome.Refused) {
            throw new ForbiddenResponse(outcome.message());
        }
        ctx.status(status).json(Map.of("message", outcome.message()));
    }

    private RepositoryBrowser.Listing listing(Learner learner) {
        return ask(() -> services().repositories().list(learner));
    }

    /** A registry call; a registry that cannot answer is a 503 with its reason, never a 500. */
    @FunctionalInterface
    private interface RegistryCall<T> {
        T call() throws RegistryUnavailable;
    }

    private static <T> T ask(RegistryCall<T> call) {
        try {
            return call.call();
        } catch (RegistryUnavailable e) {
            throw new ServiceUnavailableResponse("The practice registry cannot answer now: " + e.getMessage() + ".");
        }
    }

    /** A size as Docker Hub shows one: compressed, in KB or MB. */
    static String size(long bytes, int platforms) {
        if (bytes < 0) {
            return platforms + " platform" + (platforms == 1 ? "" : "s");
        }
        if (bytes < 1024 * 1024) {
            return String.format(java.util.Locale.ROOT, "%.1f KB", bytes / 1024.0);
        }
        return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
    }

    /** A link to a repository's page. */
    static String link(String name) {
        return "/repositories/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("%2F", "/");
    }

    private static String shown(String text) {
        return text == null ? "" : text.length() > 100 ? text.substring(0, 100) : text;
    }

    static List<String> scopes() {
        return List.of("read", "read-write", "read-write-delete");
    }
}
