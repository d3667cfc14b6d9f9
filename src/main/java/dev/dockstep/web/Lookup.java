package dev.dockstep.web;

import io.javalin.http.NotFoundResponse;
import dev.dockstep.lesson.Catalog;
import dev.dockstep.lesson.Course;
import dev.dockstep.lesson.Lesson;
import dev.dockstep.lesson.Step;

/** Finds what a URL names, or says precisely what does not exist. */
final class Lookup {
    private Lookup() {
    }

    static Course course(Catalog catalog, String courseId) {
        return catalog.course(courseId).orElseThrow(() -> new NotFoundResponse("There is no course '" + courseId + "'."));
    }

    static Lesson lesson(Catalog catalog, String courseId, String lessonId) {
        Course course = course(catalog, courseId);
        return course.lesson(lessonId)
                .orElseThrow(() -> new NotFoundResponse("The course '" + courseId + "' has no lesson '" + lessonId + "'."));
    }

    static Step step(Lesson lesson, String stepId) {
        return lesson.step(stepId).orElseThrow(() -> new NotFoundResponse(
                "The lesson '" + lesson.id() + "' has no step '" + stepId + "'."));
    }
}
