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
    private final Prose prose;

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
        this.prose = new Prose(markdown);
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
        Set<String> passed = passed(me);
        List<CourseView> courses = now.courses().stream().map(course -> courseView(course, passed, me.isPresent())).toList();
        ctx.render("catalog", model(ctx, Map.of("courses", courses, "unavailable", unavailable)));
    }

    /** {@code /courses/{course}}: its lessons, the learner's progress and a way on; once done, what they learned. */
    void course(Context ctx) {
        Catalog now = catalog.get();
        Course course = Lookup.course(now, ctx.pathParam("course"));
        var me = Auth.learner(ctx);
        Map<String, Object> page = new HashMap<>();
        page.put("course", courseView(course, passed(me), me.isPresent()));
        // A finished course points on to the one after it in the same catalog (one read: lessons may reload).
        List<Course> all = now.courses();
        int index = all.indexOf(course);
        if (index >= 0 && index + 1 < all.size()) {
            Course next = all.get(index + 1);
            page.put("nextCourse", new NextCourse(next.title(), prose.inline(next.summary()), coursePath(next.id())));
        }
        ctx.render("course", model(ctx, page));
    }

    /** The steps the signed-in learner has passed, as {@code course/lesson/step}; none for a visitor. */
    private Set<String> passed(java.util.Optional<Learner> me) {
        return me.map(l -> store.progress(l.name()).stream()
                .filter(p -> p.status() == StepStatus.PASSED)
                .map(p -> p.course() + "/" + p.lesson() + "/" + p.step()).collect(Collectors.toSet())).orElse(Set.of());
    }

    private CourseView courseView(Course course, Set<String> passed, boolean signedIn) {
        int steps = 0;
        int done = 0;
        List<LessonView> lessons = new ArrayList<>();
        LessonView next = null;
        for (Lesson lesson : course.lessons()) {
            int lessonDone = (int) lesson.steps().stream()
                    .filter(s -> passed.contains(course.id() + "/" + lesson.id() + "/" + s.id())).count();
            int lessonSteps = lesson.steps().size();
            String status = lessonDone == lessonSteps ? "done" : lessonDone > 0 ? "started" : "none";
            LessonView view = new LessonView(lesson.id(), lesson.title(), prose.inline(lesson.summary()),
                    lesson.minutes(), lessonSteps, lessonDone, status, lessonPath(course.id(), lesson.id()));
            lessons.add(view);
            if (next == null && !status.equals("done")) {
                next = view;
            }
            steps += lessonSteps;
            done += lessonDone;
        }
        boolean complete = signedIn && steps > 0 && done == steps;
        String action = !signedIn || done == 0 ? "Start" : complete ? "Review" : "Continue";
        String actionHref = complete || lessons.isEmpty() ? coursePath(course.id())
                : (next == null ? lessons.get(0) : next).href();
        return new CourseView(course.id(), course.title(), prose.inline(course.summary()), lessons, steps, done,
                steps == 0 ? 0 : done * 100 / steps, complete, action, actionHref, next);
    }

    static String coursePath(String course) {
        return "/courses/" + course;
    }

    static String lessonPath(String course, String lesson) {
        return "/courses/" + course + "/" + lesson;
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
        int passed = 0;
        for (OpenSteps.StepState state : checker.openSteps().of(learner.name(), lesson)) {
            passed += state.state() == OpenSteps.State.PASSED ? 1 : 0;
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
        Course course = now.course(lesson.courseId()).orElseThrow();
        int index = course.lessons().indexOf(lesson);
        Lesson next = index >= 0 && index + 1 < course.lessons().size() ? course.lessons().get(index + 1) : null;
        Map<String, Object> page = new HashMap<>();
        page.put("course", course);
        page.put("coursePath", coursePath(course.id()));
        page.put("lesson", lesson);
        page.put("lessonNumber", index + 1);
        page.put("lessonCount", course.lessons().size());
        page.put("nextLesson", next == null ? "" : next.title());
        page.put("nextPath", next == null ? coursePath(course.id()) : lessonPath(course.id(), next.id()));
        page.put("complete", !lesson.steps().isEmpty() && passed == lesson.steps().size());
        page.put("intro", Tables.scrollable(variables.applyToHtml(lesson.introHtml())));
        page.put("steps", steps);
        page.put("current", current);
        page.put("registry", sandboxes.registry().address());
        sandboxes.registry().companyAddress().ifPresent(company -> page.put("companyRegistry", company));
        if (lesson.needsCompanyRegistry() && sandboxes.registry().companyAddress().isEmpty()) {
            // On Docker Hub there is no second registry to push to: say so rather than fail at every check.
            page.put("unservable", "This lesson needs the classroom's company registry, which this server does not"
                    + " run: it sends learners to Docker Hub (--registry hub). Skip this lesson, or ask your"
                    + " instructor for a server with the practice registry.");
        }
        page.put("sandboxMode", sandboxes.mode());
        // A lesson that waits for an earlier one says which, and links to it.
        checker.openSteps().waitingFor(learner.name(), lesson).ifPresent(waiting -> {
            page.put("waitingFor", waiting.lesson());
            page.put("waitingReason", waiting.reason());
        });
        return model(ctx, page);
    }

    private StepView view(Step step, String status, Variables variables) {
        List<String> options = step.quiz().map(q -> q.options().stream().map(o -> inline(o.text(), variables)).toList())
                .orElse(List.of());
        // A quiz passes only on exactly its right answers, so a passed quiz shows them as the learner's.
        List<Integer> chosen = status.equals("passed") ? step.quiz().map(q -> q.rightAnswers()).orElse(List.of())
                : List.of();
        return new StepView(step.id(), step.title(), step.kind().name().toLowerCase(), status,
                Tables.scrollable(variables.applyToHtml(step.html())),
                step.quiz().map(q -> html(q.question(), variables)).orElse(""), options,
                step.quiz().map(q -> q.rightAnswers().size() > 1).orElse(false), chosen,
                step.hints().stream().map(h -> html(h, variables)).toList(), variables.apply(step.solution()));
    }

    private String html(String markdown, Variables variables) {
        return variables.applyToHtml(this.markdown.render(markdown));
    }

    /** An option's markdown without the paragraph around it. */
    private String inline(String markdown, Variables variables) {
        return Prose.unwrap(html(markdown, variables));
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

    /**
     * A course with the learner's share of its steps passed, and where to go on: {@code action}
     * is Start, Continue or Review, {@code actionHref} its link. {@code summary} is rendered HTML.
     */
    record CourseView(String id, String title, String summary, List<LessonView> lessons, int steps, int done,
                      int percent, boolean complete, String action, String actionHref, LessonView next) {
    }

    /** The course after this one, offered once this one is complete; {@code summary} is rendered HTML. */
    record NextCourse(String title, String summary, String href) {
    }

    /** @param status {@code done}, {@code started} or {@code none}; {@code summary} is rendered HTML */
    record LessonView(String id, String title, String summary, Integer minutes, int steps, int done, String status,
                      String href) {
    }

    /**
     * What a template needs of a step. {@code html}, {@code question}, {@code options} and
     * {@code hints} are rendered and safe; {@code solution} is plain text for the template to escape.
     *
     * @param status {@code passed}, {@code current} or {@code locked}
     * @param chosen the options to show chosen: the right ones, once the quiz has passed
     */
    record StepView(String id, String title, String kind, String status, String html, String question,
                    List<String> options, boolean multiple, List<Integer> chosen, List<String> hints, String solution) {
    }
}
