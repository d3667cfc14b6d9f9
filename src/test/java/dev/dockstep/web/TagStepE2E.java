package dev.dockstep.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.App;
import dev.dockstep.harness.Browser;
import dev.dockstep.harness.Cli;
import dev.dockstep.harness.TestApp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
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
        String ref = app.sandbox().registry() + "/learner/backend:0.1";
        assertTrue(step.getText().contains("docker tag backend:0.1 " + ref), step.getText());
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(10));

        step.findElement(By.cssSelector("button.check")).click();
        wait.until(ExpectedConditions.attributeContains(step, "class", "failed"));
        assertEquals(ref + " is not among your images; images named backend: backend:0.1.\n"
                        + "Give an existing image this name with `docker tag SOURCE " + ref + "`, then check again.",
                step.findElement(By.cssSelector(".results li.failed")).getText().substring(2));
        Browser.screenshot(browser, "lesson-step-failed");

        Cli.docker(app.sandbox().dockerHost(), app.sandbox().dockerConfig(), "tag", "backend:0.1", ref).requireSuccess();

        step.findElement(By.cssSelector("button.check")).click();
        wait.until(ExpectedConditions.attributeContains(step, "class", "passed"));
        assertFalse(step.getAttribute("class").contains("failed"));
        assertEquals("Step passed: Tag the backend image", step.findElement(By.cssSelector(".actions .status")).getText());
        Browser.screenshot(browser, "lesson-step-passed");
    }

    @Test
    void a_docker_push_turns_the_open_step_green_with_no_click() throws Exception {
        String registry = app.sandbox().registry();
        String ref = registry + "/learner/backend:0.1";
        var env = Map.of("DOCKER_HOST", app.sandbox().dockerHost(), "DOCKER_CONFIG", app.sandbox().dockerConfig().toString());
        assertEquals(0, Cli.run(java.util.List.of("docker", "login", registry, "-u", "learner", "--password-stdin"),
                env, "learner-password").exitCode(), "the sign-up password opens the registry");
        Cli.docker(app.sandbox().dockerHost(), app.sandbox().dockerConfig(), "tag", "backend:0.1", ref).requireSuccess();

        browser.get("http://localhost:" + app.port() + "/courses/docker-hub/push");
        WebElement step = browser.findElement(By.cssSelector(".step[data-kind='exercise']"));
        Browser.awaitLive(browser);
        Cli.docker(app.sandbox().dockerHost(), app.sandbox().dockerConfig(), "push", ref).requireSuccess();

        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.attributeContains(step, "class", "passed"));
        assertEquals("Step passed: Push backend 0.1", step.findElement(By.cssSelector(".actions .status")).getText());
        Browser.screenshot(browser, "lesson-step-passed-live");
    }
}
