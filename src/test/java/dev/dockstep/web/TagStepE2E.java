package dev.dockstep.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.App;
import dev.dockstep.harness.Browser;
import dev.dockstep.harness.TestApp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** A learner in a real browser runs the real docker CLI and sees steps pass. */
class TagStepE2E {
    private static TestApp server;
    private static App app;
    private static ChromeDriver browser;

    @BeforeAll
    static void start() {
        server = TestApp.start(Path.of("lessons"), config -> config);
        app = server.app();
        browser = Browser.start();
        Browser.signUp(browser, "http://localhost:" + app.port(), "learner", "learner-password");
        Browser.passTheLogin(browser, "learner-password");
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void the_tag_step_fails_with_a_reason_then_passes_after_docker_tag() throws Exception {
        browser.get("http://localhost:" + app.port() + "/");
        browser.findElement(By.linkText("Name an image for a registry")).click();
        WebElement reading = browser.findElement(By.id("step-the-parts-of-an-image-name"));
        WebElement step = browser.findElement(By.id("step-tag-the-backend-image"));
        assertTrue(step.getAttribute("class").contains("locked"), "the exercise waits for the reading step");
        reading.findElement(By.cssSelector("button.next")).click();
        new WebDriverWait(browser, Duration.ofSeconds(5)).until(ExpectedConditions.attributeContains(step, "class", "current"));
        var sandbox = Browser.sandbox(browser);
        String ref = sandbox.registry() + "/learner/backend:0.1";
        assertTrue(step.getText().contains("docker tag backend:0.1 " + ref), step.getText());
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(10));

        step.findElement(By.cssSelector("button.check")).click();
        wait.until(ExpectedConditions.attributeContains(step, "class", "failed"));
        // The reason's markdown is rendered: names are code, and no backtick shows.
        WebElement failed = step.findElement(By.cssSelector(".results li.failed"));
        // The two checks fail for one reason with one piece of advice: shown once, the step's exact command.
        assertEquals(ref + " is not among your images; images named backend: backend:0.1.\n"
                        + "Make " + ref + " a second name of backend:0.1 with docker tag backend:0.1 " + ref + ".",
                failed.getText().substring(2));
        assertEquals(1, step.findElements(By.cssSelector(".results li")).size());
        assertEquals(List.of(ref, "backend", "backend:0.1", ref, "backend:0.1", "docker tag backend:0.1 " + ref),
                failed.findElements(By.tagName("code")).stream().map(WebElement::getText).toList());
        Browser.screenshot(browser, "lesson-step-failed");

        sandbox.docker("tag", "backend:0.1", ref).requireSuccess();

        step.findElement(By.cssSelector("button.check")).click();
        wait.until(ExpectedConditions.attributeContains(step, "class", "passed"));
        assertFalse(step.getAttribute("class").contains("failed"));
        assertEquals("Step passed: Tag the backend image", step.findElement(By.cssSelector(".actions .status")).getText());
        Browser.screenshot(browser, "lesson-step-passed");
    }

    @Test
    void a_docker_push_turns_the_open_step_green_with_no_click() throws Exception {
        var sandbox = Browser.sandbox(browser);
        String ref = sandbox.registry() + "/learner/backend:0.1";
        assertEquals(0, sandbox.login("learner-password").exitCode(), "the sign-up password opens the registry");
        sandbox.docker("tag", "backend:0.1", ref).requireSuccess();
        // The push lesson opens once the tag lesson's exercise has passed.
        Browser.check(browser, "docker-hub/tag/tag-the-backend-image");

        browser.get("http://localhost:" + app.port() + "/courses/docker-hub/push");
        WebElement step = browser.findElement(By.cssSelector(".step[data-kind='exercise']"));
        Browser.awaitLive(browser);
        sandbox.docker("push", ref).requireSuccess();

        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.attributeContains(step, "class", "passed"));
        assertEquals("Step passed: Push backend 0.1", step.findElement(By.cssSelector(".actions .status")).getText());
        Browser.screenshot(browser, "lesson-step-passed-live");
    }
}
