package dev.dockstep.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.App;
import dev.dockstep.Config;
import dev.dockstep.check.Verifier;
import dev.dockstep.harness.Browser;
import dev.dockstep.harness.RealDocker;
import dev.dockstep.harness.TestApp;
import dev.dockstep.lesson.Check;
import dev.dockstep.lesson.Course;
import dev.dockstep.lesson.Lesson;
import dev.dockstep.lesson.LessonLoader;
import dev.dockstep.lesson.PageAction;
import dev.dockstep.lesson.Step;
import dev.dockstep.lesson.Variables;
import dev.dockstep.sandbox.Ports;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A learner takes the whole "Registries in practice" course in a real browser: every command
 * typed into the terminal beside the steps, every page action (make a repository private or
 * public, generate and revoke an access token) done on dockstep's own pages, as a person would.
 * Exercises that a Docker command or login finishes turn green live; the few that only a page
 * or a failed login finishes are checked with the Check button, as their text says.
 */
class RegistriesCourseE2E {
    private static final String COURSE = "registries-in-practice";
    private static final String LEARNER = "practised";
    private static final String PASSWORD = "practised-password";
    /** Kinds that nothing in Docker's events or the CLI config announces: the learner presses Check. */
    private static final Set<String> NOT_LIVE = Set.of("repo-private", "repo-public", "login-refused");
    private static final Pattern PROMPT = Pattern.compile("^\\S+@dockstep:.*\\$\\s*$");
    private static Path data;
    private static App app;
    private static ChromeDriver browser;
    private static Course course;

    @BeforeAll
    static void start() {
        data = TestApp.dataFolder("ds-course2-");
        Config config = Config.defaults().withDirs(data, Path.of("lessons")).withPorts(0, Ports.free())
                .withSandboxes(dev.dockstep.sandbox.PerLearnerSandboxes.Options.defaults().withPool(1));
        app = App.create(config, Map.of(), new PrintStream(OutputStream.nullOutputStream()));
        app.start();
        browser = Browser.start();
        course = new LessonLoader(Verifier.ARGUMENTS).load(Path.of("lessons")).course(COURSE).orElseThrow();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (app != null) {
            TestApp.stop(app);
        }
        RealDocker.deleteTree(data);
    }

    private static String base() {
        return "http://localhost:" + app.port();
    }

    @Test
    void a_learner_takes_the_whole_course_in_the_browser_terminal_and_on_dockstep_pages() throws Exception {
        Browser.signUp(browser, base(), LEARNER, PASSWORD);
        String company = app.sandboxes().registry().companyAddress().orElseThrow();
        Variables variables = Variables.forRegistries(LEARNER, Browser.sandbox(browser).registry(), Optional.of(company));
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        String token = null;
        for (Lesson lesson : course.lessons()) {
            System.out.println("course2: lesson " + lesson.id());
            openLesson(lesson);
            if (lesson.id().equals("company-registry")) {
                assertTrue(browser.findElement(By.cssSelector(".sandbox-line")).getText().contains("company registry "
                        + company), "the sandbox line names the company registry where a lesson needs it");
            }
            for (Step step : lesson.steps()) {
                System.out.println("course2:   step " + step.id());
                WebElement element = browser.findElement(By.id("step-" + step.id()));
                wait.until(ExpectedConditions.attributeContains(element, "class", "current"));
                switch (step.kind()) {
                    case READING -> click(element.findElement(By.cssSelector("button.next")));
                    case QUIZ -> {
                        for (int answer : step.quiz().orElseThrow().rightAnswers()) {
                            click(element.findElement(By.id(step.id() + "-" + answer)));
                        }
                        click(element.findElement(By.cssSelector("button.check")));
                    }
                    case EXERCISE -> {
                        String input = PASSWORD;
                        if (!step.page().isEmpty()) {
                            for (PageAction action : step.page()) {
                                token = onThePage(action, variables, token);
                                if (!action.action().equals("private") && !action.action().equals("public")) {
                                    input = token;
                                }
                            }
                            openLesson(lesson);
                            element = browser.findElement(By.id("step-" + step.id()));
                        }
                        solve(variables.apply(step.solution()), input);
                        if (step.checks().stream().map(Check::kind).allMatch(NOT_LIVE::contains)) {
                            click(element.findElement(By.cssSelector("button.check")));
                        }
                    }
                }
                wait.until(ExpectedConditions.attributeContains(element, "class", "passed"));
            }
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("lesson-complete")));
            if (lesson.id().equals("company-registry")) {
                Browser.assertAccessible(browser, "a lesson with the company registry");
                Browser.screenshot(browser, "course2-company-lesson");
            }
        }
        browser.get(base() + "/courses/" + COURSE);
        assertTrue(browser.findElement(By.id("complete-title")).getText().contains("Course complete"));
        Browser.screenshot(browser, "course2-complete");
        browser.get(base() + "/courses/docker-hub");
        assertEquals(0, browser.findElements(By.id("complete-title")).size(), "course 1 is a course of its own");
    }

    /** Does one page action on dockstep's own pages; returns the access token the learner now holds. */
    private static String onThePage(PageAction action, Variables variables, String token) throws Exception {
        // A form's answer is a new page: an element read while it loads goes stale, and is read again.
        var wait = new WebDriverWait(browser, Duration.ofSeconds(10))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        switch (action.action()) {
            case "private", "public" -> {
                String repository = variables.apply(action.args().get(0));
                browser.get(base() + "/repositories/" + repository);
                WebElement button = browser.findElement(By.cssSelector("form[action='/repositories/visibility'] button"));
                String label = "Make " + action.action();
                assertEquals(label, button.getText());
                button.click();
                String other = action.action().equals("private") ? "Make public" : "Make private";
                wait.until(d -> d.findElement(By.cssSelector("form[action='/repositories/visibility'] button"))
                        .getText().equals(other));
                if (action.action().equals("private")) {
                    Browser.screenshot(browser, "course2-repository-private");
                }
                return token;
            }
            case "token" -> {
                browser.get(base() + "/tokens");
                browser.findElement(By.id("description")).sendKeys("laptop");
                browser.findElement(By.id("scope-" + action.args().get(0))).click();
                browser.findElement(By.cssSelector("form[action='/tokens'] button[type=submit]")).click();
                String made = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("new-token"))).getText();
                assertTrue(made.startsWith("dockstep_pat_"), made);
                return made;
            }
            case "revoke" -> {
                browser.get(base() + "/tokens");
                browser.findElement(By.cssSelector("button[aria-label='Revoke the token laptop']")).click();
                wait.until(d -> d.findElement(By.cssSelector("main")).getText().contains("Revoked"));
                return token;
            }
            default -> throw new AssertionError("no such page action: " + action);
        }
    }

    /**
     * Clicks as a person would once the page stops moving: a passed step scrolls the next one into
     * view, and a click during that scroll lands on whatever passes under the pointer.
     */
    private static void click(WebElement target) {
        new WebDriverWait(browser, Duration.ofSeconds(10))
                .ignoring(org.openqa.selenium.ElementClickInterceptedException.class)
                .until(d -> {
                    ((JavascriptExecutor) d).executeScript("arguments[0].scrollIntoView({block: 'center'})", target);
                    target.click();
                    return true;
                });
    }

    private static void openLesson(Lesson lesson) {
        browser.get(base() + "/courses/" + COURSE + "/" + lesson.id());
        Browser.awaitLive(browser);
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> "connected".equals(
                d.findElement(By.id("terminal-pane")).getAttribute("data-state")));
        awaitPrompt();
    }

    /**
     * Types a solution into the terminal, a line at a time, each once the one before has finished.
     * A command that reads standard input gets {@code input} typed (the password, or the token
     * the learner copied from the page), then Ctrl-D.
     */
    private static void solve(String solution, String input) {
        for (String line : solution.lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
            browser.findElement(By.cssSelector("#terminal .xterm")).click();
            new Actions(browser).sendKeys(line).perform();
            awaitEcho(line);
            new Actions(browser).sendKeys(Keys.ENTER).perform();
            if (line.contains("--password-stdin")) {
                // As a person would: the secret once the command waits for it, Ctrl-D once it shows.
                new Actions(browser).sendKeys(input).sendKeys(Keys.ENTER).perform();
                awaitEcho(input);
                new Actions(browser).keyDown(Keys.CONTROL).sendKeys("d").keyUp(Keys.CONTROL).perform();
            }
            awaitPrompt();
        }
    }

    /**
     * Waits until the terminal shows the end of {@code text} at its end. Only the end: where a long
     * line wraps, the screen reader's rows may lose a character at the fold.
     */
    private static void awaitEcho(String text) {
        String typed = text.replaceAll("\\s", "");
        String wanted = typed.substring(Math.max(0, typed.length() - 4));
        try {
            new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> screen().replaceAll("\\s", "").endsWith(wanted));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("the terminal never showed what was typed (" + text + "); it shows:\n" + screen(), e);
        }
    }

    /** What a screen reader reads of the terminal, scrolled to its end first as a person would look there. */
    private static String screen() {
        return (String) ((JavascriptExecutor) browser).executeScript(
                "const v = document.querySelector('#terminal .xterm-viewport'); if (v) { v.scrollTop = v.scrollHeight; }"
                        + " return Array.from(document.querySelectorAll('.xterm-accessibility-tree > div'))"
                        + ".map(row => row.textContent.replace(/\\u00a0/g, ' ')).join('\\n');");
    }

    private static void awaitPrompt() {
        try {
            new WebDriverWait(browser, Duration.ofSeconds(60)).until(d -> {
                List<String> lines = screen().lines().filter(line -> !line.isBlank()).toList();
                return !lines.isEmpty() && PROMPT.matcher(lines.get(lines.size() - 1)).matches();
            });
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("the terminal never came back to its prompt; it shows:\n" + screen(), e);
        }
    }
}
