package dev.dockstep.web;

import dev.dockstep.lesson.Catalog;
import dev.dockstep.lesson.Lesson;
import dev.dockstep.lesson.LessonRenderer;
import dev.dockstep.lesson.Problem;
import dev.dockstep.lesson.Step;
import dev.dockstep.lesson.Variables;
import dev.dockstep.sandbox.SandboxInfo;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** The HTML pages. Each handler reads its parameters, asks one service, and renders. */
final class Pages {
    private final Supplier<Catalog> catalog;
    private final LessonRenderer renderer;
    private final SandboxInfo sandbox;
    private final Variables variables;

    Pages(Supplier<Catalog> catalog, LessonRenderer renderer, SandboxInfo sandbox, Variables variables) {
        this.catalog = catalog;
        this.renderer = renderer;
        this.sandbox = sandbox;
        this.variables = variables;
    }

    void catalog(Context ctx) {
        Catalog now = catalog.get();
        // Lessons whose errors keep them from being served, with those errors, for the instructor.
        Map<String, List<String>> unavailable = now.problems().stream()
                .filter(p -> p.severity() == Problem.Severity.ERROR)
                .collect(Collectors.groupingBy(p -> p.file().toString(), TreeMap::new,
                        Collectors.mapping(p -> "line " + p.line() + ": " + p.message(), Collectors.toList())));
        ctx.render("catalog", Map.of("courses", now.courses(), "unavailable", unavailable));
    }

    void lesson(Context ctx) {
        Catalog now = catalog.get();
        Lesson lesson = Lookup.lesson(now, ctx.pathParam("course"), ctx.pathParam("lesson"));
        List<StepView> steps = lesson.steps().stream().map(this::view).toList();
        ctx.render("lesson", Map.of(
                "course", now.course(lesson.courseId()).orElseThrow(),
                "lesson", lesson,
                "intro", html(lesson.intro()),
                "steps", steps,
                "sandbox", sandbox,
                "user", variables.user(),
                "exports", sandbox.exportLines()));
    }

    private StepView view(Step step) {
        List<String> options = step.quiz().map(q -> q.options().stream().map(o -> inline(o.text())).toList())
                .orElse(List.of());
        return new StepView(step.id(), step.title(), step.kind().name().toLowerCase(), html(step.markdown()),
                step.quiz().map(q -> html(q.question())).orElse(""), options,
                step.quiz().map(q -> q.rightAnswers().size() > 1).orElse(false),
                step.hints().stream().map(this::html).toList(), variables.apply(step.solution()));
    }

    private String html(String markdown) {
        return variables.applyToHtml(renderer.render(markdown));
    }

    /** An option's markdown without the paragraph around it. */
    private String inline(String markdown) {
        return html(markdown).strip().replaceFirst("^<p>", "").replaceFirst("</p>$", "");
    }

    /**
     * What a template needs of a step. {@code html}, {@code question}, {@code options} and
     * {@code hints} are rendered and safe; {@code solution} is plain text for the template to escape.
     */
    record StepView(String id, String title, String kind, String html, String question, List<String> options,
                    boolean multiple, List<String> hints, String solution) {
    }
}
