package dev.dockstep.lesson;

import java.util.List;
import java.util.Optional;

/** A folder of lessons with an {@code index.md}; {@code id} is the folder's name. */
public record Course(String id, String title, String summary, List<Lesson> lessons) {
    public Course {
        lessons = List.copyOf(lessons);
    }

    public Optional<Lesson> lesson(String lessonId) {
        return lessons.stream().filter(l -> l.id().equals(lessonId)).findFirst();
    }
}
