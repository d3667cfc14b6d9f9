package dev.dockstep.lesson;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog being served. With {@link #watch()}, a saved lesson file is loaded again; a lesson
 * that an edit broke keeps its last good version, and the edit's problems are shown instead.
 */
public final class LiveCatalog implements Supplier<Catalog>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveCatalog.class);
    private static final long SETTLE_MS = 50;

    private final Path root;
    private final LessonLoader loader;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile Catalog current;
    private WatchService watcher;
    private Thread thread;

    /** @param arguments the rules for check arguments (see {@link LessonLoader}) */
    public LiveCatalog(Path root, CheckArguments arguments) {
        this.root = root;
        this.loader = new LessonLoader(arguments);
        this.current = loader.load(root);
    }

    @Override
    public Catalog get() {
        return current;
    }

    /** Runs {@code listener} after each reload, on the watching thread. */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /** Loads the folder again, keeping the last good version of any lesson the edit broke. */
    public synchronized void reload() {
        Catalog fresh = loader.load(root);
        current = keepGoodVersions(current, fresh);
        listeners.forEach(Runnable::run);
    }

    static Catalog keepGoodVersions(Catalog previous, Catalog fresh) {
        List<Course> courses = new ArrayList<>();
        for (Course course : fresh.courses()) {
            List<Lesson> lessons = new ArrayList<>(course.lessons());
            previous.course(course.id()).ifPresent(old -> {
                for (Lesson lesson : old.lessons()) {
                    boolean broken = fresh.problems().stream().anyMatch(p -> p.file().equals(lesson.file())
                            && p.severity() == Problem.Severity.ERROR);
                    if (broken && course.lesson(lesson.id()).isEmpty()) {
                        lessons.add(lesson);
                    }
                }
            });
            lessons.sort(java.util.Comparator.comparingInt(Lesson::number).thenComparing(Lesson::id));
            courses.add(course.withLessons(lessons));
        }
        return new Catalog(courses, fresh.problems());
    }

    /** Starts following the folder for changes, on a thread of its own. */
    public void watch() throws IOException {
        watcher = FileSystems.getDefault().newWatchService();
        register(root);
        thread = new Thread(this::follow, "lesson-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void register(Path dir) throws IOException {
        try (Stream<Path> dirs = Files.walk(dir)) {
            for (Path d : dirs.filter(Files::isDirectory).toList()) {
                d.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE);
            }
        }
    }

    private void follow() {
        try {
            while (true) {
                WatchKey key = watcher.take();
                // An editor's save is several events; wait for them to settle, then load once.
                do {
                    key.pollEvents();
                    key.reset();
                    key = watcher.poll(SETTLE_MS, TimeUnit.MILLISECONDS);
                } while (key != null);
                register(root);
                reload();
                LOG.info("lessons reloaded: {} error(s)", current.problems().stream()
                        .filter(p -> p.severity() == Problem.Severity.ERROR).count());
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // stopped
        } catch (IOException e) {
            LOG.warn("stopped watching {}: {}", root, e.getMessage());
        }
    }

    @Override
    public void close() {
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
