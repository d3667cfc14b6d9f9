package dev.dockstep.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.App;
import dev.dockstep.Config;
import dev.dockstep.harness.Browser;
import dev.dockstep.harness.DockstepProcess;
import dev.dockstep.sandbox.Ports;
import dev.dockstep.harness.RealDocker;
import dev.dockstep.check.Verifier;
import dev.dockstep.lesson.Catalog;
import dev.dockstep.lesson.Course;
import dev.dockstep.lesson.Lesson;
import dev.dockstep.lesson.LessonLoader;
import dev.dockstep.lesson.Step;
import dev.dockstep.lesson.Variables;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A learner takes the whole Docker Hub course in a real browser, typing every command into the
 * terminal beside the steps (or pressing a block's Run button), as they would; every exercise
 * turns green live. Then the server restarts, an instructor looks on,
 * and a second learner sees none of the first one's work. Every page type is scanned with axe and
 * photographed into target/screenshots/.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CourseE2E {
    private static final String LEARNER = "student";
    private static final String PASSWORD = "student-password";
    private static Path data;
    private static App app;
    private static ChromeDriver browser;
    private static Course course;
    private static int registryPort;

    @BeforeAll
    static void start() throws Exception {
        data = dev.dockstep.harness.TestApp.dataFolder("ds-course-");
        registryPort = Ports.free();
        app = startApp();
        browser = Browser.start();
        Catalog catalog = new LessonLoader(Verifier.ARGUMENTS).load(Path.of("lessons"));
        course = catalog.course("docker-hub").orElseThrow();
    }

    private static App startApp() {
        Config config = Config.defaults().withDirs(data, Path.of("lessons")).withPorts(0, registryPort)
                .withSandboxes(dev.dockstep.sandbox.PerLearnerSandboxes.Options.defaults().withPool(1));
        App started = App.create(config, Map.of(), new PrintStream(OutputStream.nullOutputStream()));
        started.start();
        return started;
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (app != null) {
            dev.dockstep.harness.TestApp.stop(app);
        }
        RealDocker.deleteTree(data);
    }

    private static String base() {
        return "http://localhost:" + app.port();
    }

    @Test
    @Order(1)
    void signed_out_pages_are_accessible() throws Exception {
        for (String page : List.of("/", "/courses/docker-hub", "/signup", "/login")) {
            browser.get(base() + page);
            Browser.assertAccessible(browser, page);
        }
        browser.get(base() + "/signup");
        Browser.screenshot(browser, "signup");
        browser.get(base() + "/login");
        Browser.screenshot(browser, "login");
    }

    @Test
    @Order(2)
    void a_learner_completes_the_whole_course_with_every_exercise_turning_green_live() throws Exception {
        Browser.signUp(browser, base(), LEARNER, PASSWORD);
        Browser.assertAccessible(browser, "catalog, signed in");
        Browser.screenshot(browser, "catalog");
        var sandbox = Browser.sandbox(browser);
        Variables variables = Variables.forRegistry(LEARNER, sandbox.registry());
        Terminal terminal = new Terminal(browser);
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(10));
        for (Lesson lesson : course.lessons()) {
            System.out.println("course: lesson " + lesson.id());
            browser.get(base() + "/courses/docker-hub/" + lesson.id());
            if (lesson.id().equals("tag")) {
                Browser.assertAccessible(browser, "lesson page");
                Browser.screenshot(browser, "lesson");
            }
            Browser.awaitLive(browser);
            terminal.awaitConnected();
            for (Step step : lesson.steps()) {
                System.out.println("course:   step " + step.id());
                WebElement element = browser.findElement(By.id("step-" + step.id()));
                wait.until(ExpectedConditions.attributeContains(element, "class", "current"));
                switch (step.kind()) {
                    case READING -> element.findElement(By.cssSelector("button.next")).click();
                    case QUIZ -> {
                        for (int answer : step.quiz().orElseThrow().rightAnswers()) {
                            element.findElement(By.id(step.id() + "-" + answer)).click();
                        }
                        element.findElement(By.cssSelector("button.check")).click();
                    }
                    case EXERCISE -> {
                        if (step.id().equals("tag-the-backend-image")) {
                            aWrongCommandShowsWhyItIsWrong(element, variables, terminal);
                            // This one by its Run button, the rest typed.
                            element.findElement(By.cssSelector(".content pre[data-run='run'] button.run")).click();
                            terminal.awaitPrompt();
                        } else {
                            terminal.solve(variables.apply(step.solution()), PASSWORD);
                        }
                    }
                }
                // Exercises get no click here: the docker command alone must turn them green.
                wait.until(ExpectedConditions.attributeContains(element, "class", "passed"));
            }
            // The lesson's end says so and leads on: to the next lesson, or to what the course taught.
            WebElement complete = browser.findElement(By.id("lesson-complete"));
            wait.until(ExpectedConditions.visibilityOf(complete));
            int index = course.lessons().indexOf(lesson);
            String next = index + 1 < course.lessons().size()
                    ? "/courses/docker-hub/" + course.lessons().get(index + 1).id() : "/courses/docker-hub";
            assertEquals(base() + next, complete.findElement(By.cssSelector("a.button")).getAttribute("href"));
        }
        browser.findElement(By.linkText("Course complete: what you learned")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.urlToBe(base() + "/courses/docker-hub"));
        assertTrue(browser.findElement(By.id("complete-title")).getText().contains("Course complete"));
        assertEquals(course.lessons().size(), browser.findElements(By.cssSelector(".learned li")).size(),
                "what each lesson taught");
        Browser.assertAccessible(browser, "course complete");
        Browser.screenshot(browser, "course-complete");
        Browser.darkMode(browser, true);
        try {
            Browser.assertAccessible(browser, "course complete, dark");
        } finally {
            Browser.darkMode(browser, false);
        }
        browser.get(base() + "/");
        assertTrue(browser.findElement(By.cssSelector(".progress")).getText().contains("31 of 31 steps done"),
                browser.findElement(By.cssSelector(".progress")).getText());
        Browser.screenshot(browser, "catalog-course-done");
    }

    private static void aWrongCommandShowsWhyItIsWrong(WebElement step, Variables variables, Terminal terminal) {
        terminal.type(variables.apply("docker tag backend:0.1 {{repo}}/backnd:0.1"));
        terminal.awaitPrompt();
        step.findElement(By.cssSelector("button.check")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.attributeContains(step, "class", "failed"));
        String reason = step.findElement(By.cssSelector(".results li.failed")).getText();
        assertTrue(reason.contains(variables.apply("{{repo}}/backend:0.1 is not among your images; images named backend:"
                + " backend:0.1.")), reason);
        assertEquals("Not yet.", ((JavascriptExecutor) browser).executeScript("return arguments[0].firstChild.textContent",
                step.findElement(By.cssSelector(".actions .status"))), "the reason shows once, in the results");
        assertTrue(step.findElement(By.cssSelector(".actions .status")).getAttribute("textContent").contains(
                "is not among your images"), "the live region says why, for screen readers");
        assertTrue(step.findElement(By.cssSelector(".solution-button")).isDisplayed(), "the solution is offered");
        step.findElement(By.cssSelector(".hint-button")).click();
        assertTrue(step.findElement(By.cssSelector(".hints .hint")).isDisplayed(), "a first hint shows");
        try {
            Browser.screenshot(browser, "lesson-step-failed-with-hint");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    @Order(3)
    void progress_survives_a_server_restart() throws Exception {
        app.stop();
        app = startApp();
        browser.get(base() + "/");
        assertTrue(browser.findElement(By.cssSelector(".progress")).getText().contains("31 of 31 steps done"),
                "progress after the restart: " + browser.findElement(By.cssSelector(".progress")).getText());
        browser.get(base() + "/courses/docker-hub/push");
        assertTrue(browser.findElement(By.id("step-push-backend-0-1")).getAttribute("class").contains("passed"));
    }

    @Test
    @Order(4)
    void the_lesson_page_works_in_dark_mode_and_at_360_pixels() throws Exception {
        browser.get(base() + "/courses/docker-hub/tag");
        Browser.darkMode(browser, true);
        Browser.assertAccessible(browser, "lesson page, dark");
        Browser.screenshot(browser, "lesson-dark");
        Browser.darkMode(browser, false);
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(360, 800));
        try {
            browser.navigate().refresh();
            long width = (Long) ((JavascriptExecutor) browser).executeScript(
                    "return document.documentElement.scrollWidth;");
            long viewport = (Long) ((JavascriptExecutor) browser).executeScript(
                    "return document.documentElement.clientWidth;");
            assertTrue(width <= viewport, "the page scrolls sideways at 360 px: " + width + " > " + viewport);
            Browser.screenshot(browser, "lesson-360px");
        } finally {
            browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 900));
        }
    }

    @Test
    @Order(5)
    void the_instructor_sees_the_learner_on_the_dashboard() throws Exception {
        signOut();
        Browser.signUp(browser, base(), "teacher", "teacher-password");
        var granted = DockstepProcess.run(Map.of(), "instructor", "add", "teacher", "--data", data.toString());
        assertEquals(0, granted.exitCode(), granted.output());
        browser.get(base() + "/instructor");
        WebElement row = browser.findElement(By.xpath("//table[@id='grid']//tr[th/a='" + LEARNER + "']"));
        assertEquals(9, row.findElements(By.cssSelector("td.lesson-cell.done")).size(), row.getText());
        assertEquals(31, row.findElements(By.cssSelector("td.step-cell.passed")).size(), "every step, folded by lesson");
        Browser.assertAccessible(browser, "instructor dashboard");
        Browser.screenshot(browser, "instructor");
        // A lesson opens into its steps, in the grid and in the table of steps.
        browser.findElement(By.cssSelector("#grid button.expand[data-lesson='docker-hub/tag']")).click();
        browser.findElement(By.cssSelector("#report button.expand[data-lesson='docker-hub/push']")).click();
        assertEquals(2, row.findElements(By.cssSelector("td.step-cell.passed")).stream().filter(WebElement::isDisplayed)
                .count(), "the two steps of the tag lesson");
        long width = (Long) ((JavascriptExecutor) browser).executeScript("return document.documentElement.scrollWidth;");
        assertTrue(width <= 1280, "the dashboard fits the screen: " + width);
        Browser.assertAccessible(browser, "instructor dashboard, a lesson open");
        Browser.screenshot(browser, "instructor-grid-by-lesson");
        Browser.darkMode(browser, true);
        try {
            Browser.assertAccessible(browser, "instructor dashboard, dark");
        } finally {
            Browser.darkMode(browser, false);
        }
        browser.findElement(By.linkText(LEARNER)).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.urlToBe(
                base() + "/instructor/learners/" + LEARNER));
        assertTrue(browser.findElement(By.tagName("main")).getText().contains("9.4 One last question"));
        Browser.assertAccessible(browser, "a learner in detail");
        Browser.screenshot(browser, "instructor-learner");
        Browser.darkMode(browser, true);
        try {
            Browser.assertAccessible(browser, "a learner in detail, dark");
        } finally {
            Browser.darkMode(browser, false);
        }
    }

    @Test
    @Order(6)
    void a_second_learner_sees_none_of_the_first_ones_work_and_pages_for_errors_look_the_same() throws Exception {
        signOut();
        Browser.signUp(browser, base(), "another", "another-password");
        assertTrue(browser.findElement(By.cssSelector(".progress")).getText().contains("0 of 31 steps done"));
        browser.get(base() + "/courses/docker-hub/push");
        // Not the first learner's progress: their own, where the push lesson still waits for earlier ones.
        assertTrue(browser.findElement(By.id("step-push-backend-0-1")).getAttribute("class").contains("locked"));
        assertTrue(browser.findElement(By.cssSelector(".waiting")).getText()
                .startsWith("This lesson opens once you have done the exercises of 'Sign in with docker login'"));
        Browser.screenshot(browser, "lesson-waiting-for-an-earlier-one");
        String progress = (String) ((JavascriptExecutor) browser).executeAsyncScript(
                "const done = arguments[0]; fetch('/api/progress').then(r => r.text()).then(done);");
        assertEquals(new com.fasterxml.jackson.databind.ObjectMapper().readTree("{\"user\":\"another\",\"steps\":[]}"),
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(progress));

        browser.get(base() + "/instructor");
        assertTrue(browser.findElement(By.cssSelector("main")).getText().contains("Only instructors may see this page."));
        Browser.assertAccessible(browser, "403 page");
        Browser.screenshot(browser, "error-403");
        browser.get(base() + "/courses/docker-hub/nope");
        assertTrue(browser.findElement(By.cssSelector("main")).getText().contains("has no lesson 'nope'"));
        Browser.assertAccessible(browser, "404 page");
        Browser.screenshot(browser, "error-404");
    }

    private static void signOut() {
        browser.get(base() + "/");
        browser.findElement(By.cssSelector("header form button")).click();
        new WebDriverWait(browser, Duration.ofSeconds(5)).until(d -> d.getPageSource().contains("Sign up"));
    }

    /** The lesson page's terminal, typed into as a person would: through xterm, in the browser. */
    private static final class Terminal {
        private static final java.util.regex.Pattern PROMPT = java.util.regex.Pattern.compile("^\\S+@dockstep:.*\\$\\s*$");
        private final ChromeDriver browser;

        Terminal(ChromeDriver browser) {
            this.browser = browser;
        }

        void awaitConnected() {
            new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> "connected".equals(
                    d.findElement(By.id("terminal-pane")).getAttribute("data-state")));
            awaitPrompt();
        }

        /**
         * What a screen reader reads of it: xterm's accessibility tree, row by row, once the view is
         * at the bottom. In a long run xterm 4.9's view sometimes stays a few rows above the newest
         * output (seen in the full suite only); a person scrolls down, and so does this.
         */
        String screen() {
            return (String) ((JavascriptExecutor) browser).executeScript(
                    "const view = document.querySelector('#terminal .xterm-viewport');"
                            + " if (view) { view.scrollTop = view.scrollHeight; }"
                            + " return Array.from(document.querySelectorAll('.xterm-accessibility-tree > div'))"
                            + ".map(row => row.textContent.replace(/\\u00a0/g, ' ')).join('\\n');");
        }

        /** Waits until the last line shown is a bare prompt: the command before it has finished. */
        void awaitPrompt() {
            try {
                new WebDriverWait(browser, Duration.ofSeconds(60)).until(d -> {
                    List<String> lines = screen().lines().filter(line -> !line.isBlank()).toList();
                    return !lines.isEmpty() && PROMPT.matcher(lines.get(lines.size() - 1)).matches();
                });
            } catch (org.openqa.selenium.TimeoutException e) {
                String where = "";
                try {
                    where = " (screenshot: " + Browser.screenshot(browser, "terminal-stuck") + ")";
                } catch (java.io.IOException | RuntimeException ignored) {
                    // the message below is the point; the screenshot only helps
                }
                throw new AssertionError("the terminal never came back to its prompt" + where + "; it shows:\n" + screen()
                        + "\nwindow scroll: " + ((JavascriptExecutor) browser).executeScript(
                        "const r = document.getElementById('terminal').getBoundingClientRect();"
                                + " return [window.scrollY, r.top, r.bottom, window.innerHeight].join(' ');"), e);
            }
        }

        void type(String line) {
            browser.findElement(By.cssSelector("#terminal .xterm")).click();
            new org.openqa.selenium.interactions.Actions(browser).sendKeys(line).sendKeys(org.openqa.selenium.Keys.ENTER)
                    .perform();
        }

        /**
         * Types a step's solution, a line at a time, each once the one before has finished. A
         * command that reads the password on standard input gets it typed, then Ctrl-D.
         */
        void solve(String solution, String password) {
            for (String line : solution.lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
                type(line);
                if (line.contains("--password-stdin")) {
                    new org.openqa.selenium.interactions.Actions(browser).sendKeys(password)
                            .sendKeys(org.openqa.selenium.Keys.ENTER).keyDown(org.openqa.selenium.Keys.CONTROL)
                            .sendKeys("d").keyUp(org.openqa.selenium.Keys.CONTROL).perform();
                }
                awaitPrompt();
            }
        }
    }
}
