package dev.dockstep.lesson;

import java.util.List;
import java.util.Optional;

/**
 * A folder of lessons with an {@code index.md}; {@code id} is the folder's name.
 *
 * @param freeOrder true when the course's {@code index.md} says {@code order: free}: any lesson
 *     may be taken first. Otherwise a lesson opens once the exercises of the lessons before it
 *     have passed.
 */
public record Course(String id, String title, String summary, List<Lesson> lessons, boolean freeOrder) {
    public Course {
        lessons = List.copyOf(lessons);
    }

    public Optional<Lesson> lesson(String lessonId) {
        return lessons.stream().filter(l -> l.id().equals(lessonId)).findFirst();
    }

    /** The same course with other lessons (a lesson that an author broke keeps its last good version). */
    public Course withLessons(List<Lesson> lessons) {
        return new Course(id, title, summary, lessons, freeOrder);
    }
}
