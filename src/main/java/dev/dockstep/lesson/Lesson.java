package dev.dockstep.lesson;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One lesson file, {@code NN-slug.md}.
 *
 * @param id the file name without its number and extension ({@code tag} for {@code 04-tag.md})
 * @param introHtml the text before the first step, rendered as a step's text is (see {@link Step#html})
 * @param setupImages images the learner's Docker must hold before the lesson starts
 * @param registries the second registries the lesson needs ({@code company}), from {@code setup: registries}
 * @param lessHelp {@code help: less}: a failed check says what is wrong, not which command fixes
 *     it; the lesson's hints and solution hold the commands
 */
public record Lesson(String courseId, String id, int number, String title, String summary, Integer minutes,
                     List<String> setupImages, List<String> registries, String introHtml, List<Step> steps,
                     Path file, boolean lessHelp) {
    public Lesson {
        setupImages = List.copyOf(setupImages);
        registries = List.copyOf(registries);
        steps = List.copyOf(steps);
    }

    /** Whether the lesson needs the company registry, which a server on Docker Hub does not run. */
    public boolean needsCompanyRegistry() {
        return registries.contains("company");
    }

    public Optional<Step> step(String stepId) {
        return steps.stream().filter(s -> s.id().equals(stepId)).findFirst();
    }
}
