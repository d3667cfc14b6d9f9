package dev.dockstep.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.harness.Browser;
import dev.dockstep.harness.Cli;
import dev.dockstep.harness.LearnerSandbox;
import dev.dockstep.harness.TestApp;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A learner in a real browser makes an access token, logs in with it through the real docker
 * CLI, pushes, and manages the repository on its page: the registry's pages as a person uses
 * them, scanned with axe in light and dark mode and photographed into target/screenshots/.
 */
class RegistryPagesE2E {
    private static TestApp server;
    private static ChromeDriver browser;

    @BeforeAll
    static void start() {
        server = TestApp.start(RegistryAccessIT.LESSONS, config -> config);
        browser = Browser.start();
        Browser.signUp(browser, server.base(), "pagelearner", "pagelearner-password");
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

    private static void accessible(String page) throws Exception {
        Browser.assertAccessible(browser, page);
        Browser.screenshot(browser, page.replace(' ', '-'));
        Browser.darkMode(browser, true);
        Browser.assertAccessible(browser, page + ", dark");
        Browser.darkMode(browser, false);
    }

    /** The notice of the page that a form's answer loads, once it says {@code words}. */
    private static String notice(String words) {
        return textOnceItSays("p.notice", words);
    }

    /**
     * The text of the first element {@code css} selects, once it holds {@code words}: a click that
     * loads a new page may still show the old one for a moment.
     */
    private static String textOnceItSays(String css, String words) {
        return new WebDriverWait(browser, Duration.ofSeconds(10)).withMessage(() -> browser.getCurrentUrl() + "\n"
                + browser.findElement(By.tagName("main")).getText()).until(d -> {
            List<WebElement> found = d.findElements(By.cssSelector(css));
            try {
                return found.isEmpty() || !found.get(0).getText().contains(words) ? null : found.get(0).getText();
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                return null;
            }
        });
    }

    @Test
    void a_token_made_on_the_page_logs_in_and_the_pushed_repository_is_managed_on_its_page() throws Exception {
        browser.get(server.base() + "/");
        browser.findElement(By.linkText("Access tokens")).click();
        textOnceItSays("h1", "Access tokens");
        accessible("tokens page");
        browser.findElement(By.id("description")).sendKeys("laptop");
        browser.findElement(By.id("scope-read-write")).click();
        browser.findElement(By.cssSelector("form.stacked button[type=submit]")).click();
        String token = new WebDriverWait(browser, Duration.ofSeconds(5))
                .until(d -> d.findElement(By.id("new-token"))).getText();
        assertTrue(token.startsWith("dockstep_pat_"), token);
        accessible("tokens page with a new token");

        LearnerSandbox sandbox = Browser.sandbox(browser);
        Cli.run(List.of("docker", "login", sandbox.registry(), "-u", "pagelearner", "--password-stdin"),
                sandbox.env(), token).requireSuccess();
        String ref = sandbox.registry() + "/pagelearner/webapp:1";
        sandbox.docker("tag", "backend:0.1", ref).requireSuccess();
        sandbox.docker("push", ref).requireSuccess();

        browser.findElement(By.linkText("Repositories")).click();
        textOnceItSays("h1", "Repositories");
        accessible("repositories page");
        browser.findElement(By.linkText("pagelearner/webapp")).click();
        textOnceItSays("h1", "pagelearner/webapp");
        assertTrue(textOnceItSays("table.report", "docker pull " + ref).contains("docker pull " + ref));
        accessible("repository page");

        browser.findElement(By.xpath("//button[text()='Make private']")).click();
        assertEquals(sandbox.registry() + "/pagelearner/webapp is now private: only you can pull it.", notice("is now"));
        assertTrue(browser.findElement(By.cssSelector("h1 .badge")).getText().contains("private"));

        browser.findElement(By.cssSelector("button[aria-label='Delete the tag 1']")).click();
        assertEquals("Deleted " + ref + ".", notice("Deleted"));
        assertFalse(browser.findElements(By.cssSelector("table.report")).size() > 0, "no tags left");
        sandbox.docker("rmi", ref).requireSuccess();
        assertNotEquals(0, sandbox.docker("pull", ref).exitCode(), "the tag is gone from the registry");

        browser.get(server.base() + "/tokens");
        assertFalse(browser.getPageSource().contains(token), "the token is shown only once");
        browser.findElement(By.cssSelector("button[aria-label='Revoke the token laptop']")).click();
        assertTrue(textOnceItSays("table.report", "Revoked").contains("laptop"));
    }
}
