package dev.dockstep.web;

import dev.dockstep.lesson.Catalog;
import dev.dockstep.lesson.Lesson;
import dev.dockstep.lesson.LessonRenderer;
import dev.dockstep.lesson.Step;
import dev.dockstep.lesson.Variables;
import dev.dockstep.sandbox.SandboxInfo;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

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
        ctx.render("catalog", Map.of("courses", catalog.get().courses()));
    }

    void lesson(Context ctx) {
        Lesson lesson = Lookup.lesson(catalog.get(), ctx.pathParam("course"), ctx.pathParam("lesson"));
        List<StepView> steps = lesson.steps().stream().map(this::view).toList();
        ctx.render("lesson", Map.of(
                "course", catalog.get().course(lesson.courseId()).orElseThrow(),
                "lesson", lesson,
                "intro", html(lesson.intro()),
                "steps", steps,
                "exports", sandbox.exportLines()));
    }

    private StepView view(Step step) {
        return new StepView(step.id(), step.title(), html(step.markdown()), !step.checks().isEmpty(),
                step.hints().stream().map(this::html).toList());
    }

    private String html(String markdown) {
        return variables.applyToHtml(renderer.render(markdown));
    }

    /** What a template needs of a step; {@code html} is already rendered and safe. */
    record StepView(String id, String title, String html, boolean checkable, List<String> hints) {
    }
}
