package dev.dockstep.registry;

import dev.dockstep.account.Learner;
import dev.dockstep.check.RegistryClient;
import dev.dockstep.check.RegistryUnavailable;
import dev.dockstep.registry.token.AccessRules;
import dev.dockstep.registry.token.RepositoryState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the repository pages show, as on Docker Hub: a learner's own repositories and other
 * learners' public ones (an instructor sees every one), each with its tags, digests, sizes, push
 * times and the {@code docker pull} command; and what they may change: visibility, and tags to
 * delete. A private repository of someone else is never shown, not even by name: asking for it
 * is answered as for one that does not exist.
 *
 * <p>It reads the registry as dockstep's pages identity, which may list the registry and delete.
 */
public final class RepositoryBrowser {
    static final int MAX_LISTED = 200;
    static final int MAX_TAGS = 100;
    private static final int MAX_CATALOG = 2_000;

    private final RegistryClient registry;
    private final String address;
    private final Repositories repositories;

    /**
     * @param registry a client that reads the practice registry as the pages identity
     * @param address the registry as learners write it, {@code localhost:5000}
     */
    public RepositoryBrowser(RegistryClient registry, String address, Repositories repositories) {
        this.registry = registry;
        this.address = address;
        this.repositories = repositories;
    }

    /** The registry as learners write it in image names. */
    public String registryAddress() {
        return address;
    }

    /** One repository in a list. */
    public record Summary(String name, String owner, boolean isPrivate, int tags, Optional<Instant> lastPushed) {
    }

    /**
     * The repositories a viewer may see: their own, then the others', newest push first.
     *
     * @param hidden how many more there were than a page lists
     */
    public record Listing(String registry, List<Summary> mine, List<Summary> others, int hidden) {
    }

    /** One tag of a repository; {@code size} is -1 for a multi-platform index. */
    public record TagView(String tag, String digest, long size, int platforms, Optional<Instant> pushedAt,
                          String pullCommand) {
    }

    /** One repository's page. */
    public record Detail(String registry, String name, String owner, boolean isPrivate, boolean mine,
                         List<TagView> tags, int hiddenTags, String pullCommand) {
    }

    /** What became of a change a learner asked for; {@code message} is one sentence. */
    public sealed interface Outcome {
        String message();

        record Done(String message) implements Outcome {
        }

        record Refused(String message) implements Outcome {
        }

        /** As for a repository that does not exist: the viewer may not know whether it does. */
        record Unknown(String message) implements Outcome {
        }
    }

    /** Whether {@code viewer} may see the repository at all. */
    static boolean visible(Learner viewer, RepositoryState repository) {
        return viewer.isInstructor() || repository.owner().equals(viewer.name()) || !repository.isPrivate();
    }

    public Listing list(Learner viewer) throws RegistryUnavailable {
        Map<String, Instant> pushes = repositories.lastPushes();
        List<Summary> mine = new ArrayList<>();
        List<Summary> others = new ArrayList<>();
        for (RepositoryState repository : known()) {
            if (!visible(viewer, repository)) {
                continue;
            }
            Summary summary = new Summary(repository.name(), repository.owner(), repository.isPrivate(), 0,
                    Optional.ofNullable(pushes.get(repository.name())));
            (repository.owner().equals(viewer.name()) ? mine : others).add(summary);
        }
        others.sort(Comparator.comparing((Summary s) -> s.lastPushed().orElse(Instant.EPOCH)).reversed()
                .thenComparing(Summary::name));
        int hidden = Math.max(0, mine.size() - MAX_LISTED) + Math.max(0, others.size() - MAX_LISTED);
        return new Listing(address, withTagCounts(mine), withTagCounts(others), hidden);
    }

    /** A repository's page, or empty when it does not exist or the viewer may not see it. */
    public Optional<Detail> detail(Learner viewer, String name) throws RegistryUnavailable {
        Optional<RepositoryState> state = state(name);
        if (state.isEmpty() || !visible(viewer, state.get())) {
            return Optional.empty();
        }
        List<String> tags = registry.tags(address, name).orElse(List.of());
        Map<String, Repositories.PushedTag> pushed = repositories.pushedTags(name);
        List<TagView> views = new ArrayList<>();
        for (String tag : tags.stream().limit(MAX_TAGS).toList()) {
            Optional<RegistryClient.Manifest> manifest = registry.manifest(address, name, tag);
            if (manifest.isEmpty()) {
                continue;
            }
            Optional<Instant> at = Optional.ofNullable(pushed.get(tag))
                    .filter(p -> p.digest().equals(manifest.get().digest())).map(Repositories.PushedTag::at);
            views.add(new TagView(tag, manifest.get().digest(), manifest.get().size(), manifest.get().platforms(), at,
                    "docker pull " + address + "/" + name + ":" + tag));
        }
        views.sort(Comparator.comparing((TagView t) -> t.pushedAt().orElse(Instant.EPOCH)).reversed()
                .thenComparing(TagView::tag));
        return Optional.of(new Detail(address, name, state.get().owner(), state.get().isPrivate(),
                state.get().owner().equals(viewer.name()), views, Math.max(0, tags.size() - MAX_TAGS),
                "docker pull " + address + "/" + name));
    }

    /** Makes a repository ahead of its first push, public or private, in the viewer's own namespace. */
    public Outcome create(Learner viewer, String name, boolean isPrivate) throws RegistryUnavailable {
        String clean = name == null ? "" : name.strip();
        String full = clean.contains("/") ? clean : viewer.name() + "/" + clean;
        if (!AccessRules.isRepositoryName(full)) {
            return new Outcome.Refused("A repository name has lowercase letters, digits and the separators . _ -,"
                    + " such as backend or my-app; '" + clip(clean) + "' is not one.");
        }
        if (!AccessRules.owner(full).orElse("").equals(viewer.name())) {
            return new Outcome.Refused("Your repositories go under your own name, " + viewer.name() + "/….");
        }
        if (state(full).isPresent()) {
            return new Outcome.Refused(address + "/" + full + " already exists; change its visibility on its page.");
        }
        if (repositories.create(full, viewer.name(), isPrivate) == Repositories.Created.FULL) {
            return new Outcome.Refused("You have " + Repositories.MAX_PER_OWNER + " repositories, the most there may be.");
        }
        return new Outcome.Done("Created " + address + "/" + full + " as a " + (isPrivate ? "private" : "public")
                + " repository; push to it with docker push " + address + "/" + full + ":TAG.");
    }

    /** Makes one of the viewer's own repositories private or public. */
    public Outcome setPrivate(Learner viewer, String name, boolean isPrivate) throws RegistryUnavailable {
        Optional<RepositoryState> state = state(name);
        if (state.isEmpty() || !visible(viewer, state.get())) {
            return unknown(name);
        }
        if (!state.get().owner().equals(viewer.name())) {
            return new Outcome.Refused("Only " + state.get().owner() + " may change " + address + "/" + name + ".");
        }
        repositories.setPrivate(name, viewer.name(), isPrivate);
        return new Outcome.Done(address + "/" + name + " is now " + (isPrivate
                ? "private: only you can pull it." : "public: anyone signed in can pull it."));
    }

    /**
     * Deletes a tag of one of the viewer's own repositories. The registry deletes a manifest by
     * its digest, so every tag of the same image goes with it; the answer names them.
     */
    public Outcome deleteTag(Learner viewer, String name, String tag) throws RegistryUnavailable {
        Optional<RepositoryState> state = state(name);
        if (state.isEmpty() || !visible(viewer, state.get())) {
            return unknown(name);
        }
        if (!state.get().owner().equals(viewer.name())) {
            return new Outcome.Refused("Only " + state.get().owner() + " may delete tags of " + address + "/" + name + ".");
        }
        Optional<RegistryClient.Manifest> manifest = tag == null || tag.isBlank() ? Optional.empty()
                : registry.manifest(address, name, tag);
        if (manifest.isEmpty()) {
            return new Outcome.Refused(address + "/" + name + " has no tag '" + clip(String.valueOf(tag)) + "'.");
        }
        String digest = manifest.get().digest();
        List<String> same = new ArrayList<>();
        for (String other : registry.tags(address, name).orElse(List.of())) {
            if (!other.equals(tag) && registry.manifest(address, name, other).map(m -> m.digest().equals(digest))
                    .orElse(false)) {
                same.add(other);
            }
        }
        registry.deleteManifest(address, name, digest);
        repositories.deleted(name, digest);
        return new Outcome.Done("Deleted " + address + "/" + name + ":" + tag + (same.isEmpty() ? "" : ", and "
                + String.join(", ", same) + ", which named the same image") + ".");
    }

    /** What is known of a repository: dockstep's row, or, for one pushed before rows were kept, the registry's word. */
    private Optional<RepositoryState> state(String name) throws RegistryUnavailable {
        if (!AccessRules.isRepositoryName(name)) {
            return Optional.empty();
        }
        Optional<RepositoryState> known = repositories.find(name);
        if (known.isPresent()) {
            return known;
        }
        Optional<String> owner = AccessRules.owner(name);
        if (owner.isPresent() && registry.tags(address, name).isPresent()) {
            repositories.create(name, owner.get(), false);
            return repositories.find(name);
        }
        return Optional.empty();
    }

    /**
     * Every repository: dockstep's rows, and any the registry holds that has none (pushed before
     * rows were kept), which become public ones of their namespace's learner, as a first push would make them.
     */
    private List<RepositoryState> known() throws RegistryUnavailable {
        Map<String, RepositoryState> all = new LinkedHashMap<>();
        for (RepositoryState repository : repositories.all()) {
            all.put(repository.name(), repository);
        }
        for (String name : registry.catalog(address, MAX_CATALOG)) {
            Optional<String> owner = AccessRules.owner(name);
            if (!all.containsKey(name) && owner.isPresent() && AccessRules.isRepositoryName(name)) {
                repositories.create(name, owner.get(), false);
                all.put(name, new RepositoryState(name, owner.get(), false));
            }
        }
        return new ArrayList<>(all.values());
    }

    private List<Summary> withTagCounts(List<Summary> summaries) throws RegistryUnavailable {
        List<Summary> counted = new ArrayList<>();
        for (Summary s : summaries.stream().limit(MAX_LISTED).toList()) {
            int tags = registry.tags(address, s.name()).map(List::size).orElse(0);
            counted.add(new Summary(s.name(), s.owner(), s.isPrivate(), tags, s.lastPushed()));
        }
        return counted;
    }

    private Outcome unknown(String name) {
        return new Outcome.Unknown("There is no repository " + address + "/" + clip(String.valueOf(name)) + ".");
    }

    private static String clip(String text) {
        String printable = text.codePoints().filter(c -> c >= 0x20 && c != 0x7f)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return printable.length() > 80 ? printable.substring(0, 80) + "…" : printable;
    }
}
