package dev.dockstep.web;

import dev.dockstep.account.Learner;
import dev.dockstep.steps.OpenSteps;
import dev.dockstep.steps.StepChecker;
import dev.dockstep.lesson.Catalog;
import dev.dockstep.lesson.Course;
import dev.dockstep.lesson.Lesson;
import dev.dockstep.lesson.LessonRenderer;
import dev.dockstep.lesson.Problem;
import dev.dockstep.lesson.Step;
import dev.dockstep.lesson.Variables;
import dev.dockstep.progress.ProgressStore;
import dev.dockstep.progress.StepStatus;
import dev.dockstep.sandbox.SandboxProvider;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** The HTML pages. Each handler reads its parameters, asks one service, and renders. */
final class Pages {
    private final Supplier<Catalog> catalog;
    private final PageRenderer renderer;
    private final LessonRenderer markdown;
    private final SandboxProvider sandboxes;
    private final StepChecker checker;
    private final ProgressStore store;

    /** Renders a template to a string, so that a page can be kept. */
    @FunctionalInterface
    interface PageRenderer {
        String page(String template, Map<String, Object> model, Context ctx);
    }

    Pages(Supplier<Catalog> catalog, LessonRenderer markdown, PageRenderer renderer, SandboxProvider sandboxes,
          StepChecker checker, ProgressStore store) {
        this.catalog = catalog;
        this.markdown = markdown;
        this.renderer = renderer;
        this.sandboxes = sandboxes;
        this.checker = checker;
        this.store = store;
    }

    /** What every page's layout needs: who is signed in, and the token for its forms. */
    static Map<String, Object> model(Context ctx, Map<String, ?> page) {
        Map<String, Object> model = new HashMap<>(page);
        model.put("me", Auth.learner(ctx).orElse(null));
        model.put("csrf", Auth.csrfToken(ctx));
        return model;
    }

    void catalog(Context ctx) {
        Catalog now = catalog.get();
        Map<String, List<String>> unavailable = new TreeMap<>();
        var me = Auth.learner(ctx);
        if (me.map(Learner::isInstructor).orElse(false)) {
            // Lessons whose errors keep them from being served, with those errors: for instructors.
            unavailable = now.problems().stream().filter(p -> p.severity() == Problem.Severity.ERROR)
                    .collect(Collectors.groupingBy(p -> p.file().toString(), TreeMap::new,
                            Collectors.mapping(p -> "line " + p.line() + ": " + p.message(), Collectors.toList())));
        }
        Set<String> passed = me.map(l -> store.progress(l.name()).stream()
                .filter(p -> p.status() == StepStatus.PASSED)
                .map(p -> p.course() + "/" + p.lesson() + "/" + p.step()).collect(Collectors.toSet())).orElse(Set.of());
        List<CourseView> courses = new ArrayList<>();
        for (Course course : now.courses()) {
            int steps = 0;
            int done = 0;
            List<LessonView> lessons = new ArrayList<>();
            for (Lesson lesson : course.lessons()) {
                int lessonDone = (int) lesson.steps().stream()
                        .filter(s -> passed.contains(course.id() + "/" + lesson.id() + "/" + s.id())).count();
                lessons.add(new LessonView(lesson.id(), lesson.title(), lesson.summary(), lesson.minutes(),
                        lesson.steps().size(), lessonDone));
                steps += lesson.steps().size();
                done += lessonDone;
            }
            courses.add(new CourseView(course.id(), course.title(), course.summary(), lessons, steps, done,
                    steps == 0 ? 0 : done * 100 / steps));
        }
        ctx.render("catalog", model(ctx, Map.of("courses", courses, "unavailable", unavailable)));
    }

    /**
     * Built lesson pages, one for each learner, role and lesson, with the progress version and
     * the catalog it was built from: a page is built again when either has changed since. The
     * sign-out form's CSRF token belongs to the session, not the page, so a page is kept with a
     * marker in its place and gets the session's token as it is sent. Pages are kept as UTF-8
     * bytes (encoding a page for each request was a sixth of its cost), at most {@link #MAX_KEPT_BYTES}.
     */
    private final Cache<PageKey, KeptPage> built = Caffeine.newBuilder().maximumWeight(MAX_KEPT_BYTES)
            .weigher((PageKey key, KeptPage page) -> page.bytes()).build();
    private static final long MAX_KEPT_BYTES = 16L * 1024 * 1024;
    /** Random, so that no lesson's text can contain it. */
    private final String tokenMarker = "csrf-" + java.util.UUID.randomUUID();

    private record PageKey(String learner, Learner.Role role, String course, String lesson) {
    }

    void lesson(Context ctx) {
        Learner learner = Auth.require(ctx);
        Catalog now = catalog.get();
        Lesson lesson = Lookup.lesson(now, ctx.pathParam("course"), ctx.pathParam("lesson"));
        // The learner is about to need their Docker: start it now, not at their first command.
        sandboxes.prepare(learner.name());
        ctx.contentType("text/html; charset=utf-8").result(keptPage(ctx, learner, now, lesson).with(Auth.csrfToken(ctx)));
    }

    private KeptPage keptPage(Context ctx, Learner learner, Catalog now, Lesson lesson) {
        PageKey key = new PageKey(learner.name(), learner.role(), lesson.courseId(), lesson.id());
        long version = store.version(learner.name());
        int catalogId = System.identityHashCode(now);
        KeptPage page = built.getIfPresent(key);
        if (page == null || page.version() != version || page.catalog() != catalogId) {
            Map<String, Object> model = lessonModel(ctx, learner, now, lesson);
            model.put("csrf", tokenMarker);
            page = KeptPage.split(version, catalogId, renderer.page("lesson", model, ctx), tokenMarker);
            built.put(key, page);
        }
        return page;
    }

    private Map<String, Object> lessonModel(Context ctx, Learner learner, Catalog now, Lesson lesson) {
        Variables variables = checker.variables(learner);
        List<StepView> steps = new ArrayList<>();
        String current = "";
        for (OpenSteps.StepState state : checker.openSteps().of(learner.name(), lesson)) {
            String status = switch (state.state()) {
                case PASSED -> "passed";
                case OPEN -> "current";
                case LOCKED -> "locked";
            };
            if (state.state() == OpenSteps.State.OPEN) {
                current = state.step().id();
            }
            steps.add(view(state.step(), status, variables));
        }
        Map<String, Object> model = model(ctx, Map.of(
                "course", now.course(lesson.courseId()).orElseThrow(),
                "lesson", lesson,
                "intro", variables.applyToHtml(lesson.introHtml()),
                "steps", steps,
                "current", current,
                "registry", sandboxes.registry().address(),
                "sandboxMode", sandboxes.mode()));
        // A lesson that waits for an earlier one says which, and links to it.
        checker.openSteps().waitingFor(learner.name(), lesson).ifPresent(waiting -> {
            model.put("waitingFor", waiting.lesson());
            model.put("waitingReason", waiting.reason());
        });
        return model;
    }

    private StepView view(Step step, String status, Variables variables) {
        List<String> options = step.quiz().map(q -> q.options().stream().map(o -> inline(o.text(), variables)).toList())
                .orElse(List.of());
        return new StepView(step.id(), step.title(), step.kind().name().toLowerCase(), status,
                variables.applyToHtml(step.html()), step.quiz().map(q -> html(q.question(), variables)).orElse(""), options,
                step.quiz().map(q -> q.rightAnswers().size() > 1).orElse(false),
                step.hints().stream().map(h -> html(h, variables)).toList(), variables.apply(step.solution()));
    }

    private String html(String markdown, Variables variables) {
        return variables.applyToHtml(this.markdown.render(markdown));
    }

    /** An option's markdown without the paragraph around it. */
    private String inline(String markdown, Variables variables) {
        String html = html(markdown, variables).strip();
        if (html.startsWith("<p>") && html.endsWith("</p>")) {
            html = html.substring(3, html.length() - 4);
        }
        return html;
    }

    /** A built page cut where the CSRF token goes, so that each request's token is put in without building it again. */
    private record KeptPage(long version, int catalog, List<byte[]> parts) {
        static KeptPage split(long version, int catalog, String html, String marker) {
            List<byte[]> parts = new ArrayList<>();
            int from = 0;
            for (int at = html.indexOf(marker); at >= 0; at = html.indexOf(marker, from)) {
                parts.add(html.substring(from, at).getBytes(StandardCharsets.UTF_8));
                from = at + marker.length();
            }
            parts.add(html.substring(from).getBytes(StandardCharsets.UTF_8));
            return new KeptPage(version, catalog, List.copyOf(parts));
        }

        byte[] with(String token) {
            byte[] between = token.getBytes(StandardCharsets.UTF_8);
            byte[] page = new byte[bytes() + between.length * (parts.size() - 1)];
            int at = 0;
            for (int i = 0; i < parts.size(); i++) {
                if (i > 0) {
                    System.arraycopy(between, 0, page, at, between.length);
                    at += between.length;
                }
                System.arraycopy(parts.get(i), 0, page, at, parts.get(i).length);
                at += parts.get(i).length;
            }
            return page;
        }

        int bytes() {
            return parts.stream().mapToInt(p -> p.length).sum();
        }
    }

    /** A course on the catalog, with the learner's share of its steps passed. */
    record CourseView(String id, String title, String summary, List<LessonView> lessons, int steps, int done,
                      int percent) {
    }

    record LessonView(String id, String title, String summary, Integer minutes, int steps, int done) {
    }

    /**
     * What a template needs of a step. {@code html}, {@code question}, {@code options} and
     * {@code hints} are rendered and safe; {@code solution} is plain text for the template to escape.
     *
     * @param status {@code passed}, {@code current} or {@code locked}
     */
    record StepView(String id, String title, String kind, String status, String html, String question,
                    List<String> options, boolean multiple, List<String> hints, String solution) {
    }
}
