package dev.dockstep.lesson;

import java.util.List;
import java.util.Optional;

/**
 * Everything loaded from a lessons folder: the courses that loaded, and the problems found. A
 * lesson with errors is left out of its course and its problems say why.
 */
public record Catalog(List<Course> courses, List<Problem> problems) {
    public Catalog {
        courses = List.copyOf(courses);
        problems = List.copyOf(problems);
    }

    public Optional<Course> course(String id) {
        return courses.stream().filter(c -> c.id().equals(id)).findFirst();
    }

    public Optional<Lesson> lesson(String courseId, String lessonId) {
        return course(courseId).flatMap(c -> c.lesson(lessonId));
    }

    public boolean hasErrors() {
        return problems.stream().anyMatch(p -> p.severity() == Problem.Severity.ERROR);
    }

    /** Every image any lesson's setup asks for, once each. */
    public List<String> setupImages() {
        return courses.stream().flatMap(c -> c.lessons().stream())
                .flatMap(l -> l.setupImages().stream()).distinct().toList();
    }
}
