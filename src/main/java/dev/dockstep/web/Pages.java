package dev.dockstep.web;

import dev.dockstep.account.Learner;
import dev.dockstep.check.StepChecker;
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
import io.javalin.http.Context;
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
     * Built lesson pages. A page depends only on the lesson, the learner's progress and the
     * browser's CSRF token, so it is kept until one of them changes (the key holds all three).
     * It is kept as UTF-8 bytes: encoding the page again for every request was a sixth of its cost.
     */
    private final java.util.Map<String, byte[]> built = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_BUILT = 5_000;

    void lesson(Context ctx) {
        Learner learner = Auth.require(ctx);
        Catalog now = catalog.get();
        Lesson lesson = Lookup.lesson(now, ctx.pathParam("course"), ctx.pathParam("lesson"));
        // The learner is about to need their Docker: start it now, not at their first command.
        sandboxes.prepare(learner.name());
        String key = learner.name() + '\n' + learner.role() + '\n' + Auth.csrfToken(ctx) + '\n' + lesson.courseId() + '/'
                + lesson.id() + '\n' + store.version(learner.name()) + '\n' + System.identityHashCode(now);
        byte[] page = built.get(key);
        if (page == null) {
            page = renderer.page("lesson", lessonModel(ctx, learner, now, lesson), ctx)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            if (built.size() > MAX_BUILT) {
                built.clear();
            }
            built.put(key, page);
        }
        ctx.contentType("text/html; charset=utf-8").result(page);
    }

    private Map<String, Object> lessonModel(Context ctx, Learner learner, Catalog now, Lesson lesson) {
        Variables variables = checker.variables(learner);
        Set<String> passed = checker.passedSteps(learner, lesson);
        String current = checker.currentStep(learner, lesson).map(Step::id).orElse(null);
        List<StepView> steps = new ArrayList<>();
        boolean open = true;
        for (Step step : lesson.steps()) {
            String status = passed.contains(step.id()) ? "passed" : open ? "current" : "locked";
            steps.add(view(step, status, variables));
            open = passed.contains(step.id());
        }
        return model(ctx, Map.of(
                "course", now.course(lesson.courseId()).orElseThrow(),
                "lesson", lesson,
                "intro", variables.applyToHtml(lesson.introHtml()),
                "steps", steps,
                "current", current == null ? "" : current,
                "registry", sandboxes.registry().address(),
                "sandboxMode", sandboxes.mode()));
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
