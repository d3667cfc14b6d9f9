package dev.dockstep.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.harness.Browser;
import dev.dockstep.harness.DockstepProcess;
import dev.dockstep.harness.TestApp;
import dev.dockstep.harness.WebClient;
import dev.dockstep.sandbox.Ports;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The security headers and the redirect rule as a real Chromium obeys them. */
class SecurityE2E {
    /** Runs before any page script, outside the page's policy, and keeps every violation the browser reports. */
    private static final String RECORD_VIOLATIONS = "window.cspViolations = [];"
            + " document.addEventListener('securitypolicyviolation',"
            + " e => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile));";
    private static TestApp server;
    private static String base;
    private ChromeDriver browser;

    @BeforeAll
    static void start() {
        server = TestApp.start(Path.of("lessons"), config -> config);
        base = server.base();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void open() {
        browser = Browser.start();
        browser.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", RECORD_VIOLATIONS));
    }

    @AfterEach
    void close() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void every_page_runs_its_scripts_under_the_policy_and_the_policy_blocks_an_inline_one() throws Exception {
        Browser.signUp(browser, base, "policy", "policy-password");
        assertEquals(0, DockstepProcess.run(Map.of(), "instructor", "add", "policy", "--data", server.data().toString())
                .exitCode());
        for (String path : List.of("/", "/courses/docker-hub", "/courses/docker-hub/registries",
                "/courses/docker-hub/push", "/account", "/instructor", "/instructor/learners/policy")) {
            browser.get(base + path);
            if (path.startsWith("/courses/docker-hub/")) {
                Browser.awaitLive(browser);
            } else if (path.equals("/instructor")) {
                new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> Boolean.TRUE.equals(browser.executeScript(
                        "return typeof Chart === 'function' && Chart.getChart(document.getElementById('funnel')) !== undefined")));
            }
            assertEquals(List.of(), browser.executeScript("return window.cspViolations"), path);
        }
        browser.get(base + "/account");
        Browser.assertAccessible(browser, "account page");
        Browser.screenshot(browser, "account");

        // The recorder hears the browser, and the browser refuses a script that is not a file of ours.
        browser.executeScript("const s = document.createElement('script'); s.textContent = 'window.ran = true;';"
                + " document.body.append(s);");
        new WebDriverWait(browser, Duration.ofSeconds(5)).until(d -> !((List<?>) browser.executeScript(
                "return window.cspViolations")).isEmpty());
        assertTrue(browser.executeScript("return window.ran") == null, "the inline script ran");
        assertTrue(browser.executeScript("return window.cspViolations[0]").toString().startsWith("script-src"));
    }

    @Test
    void signing_in_with_a_next_that_browsers_read_as_another_site_stays_on_this_one() {
        new WebClient(base).signUp("redirected", "redirected-password");
        int elsewhere = Ports.free();
        browser.get(base + "/login?next=/%09/127.0.0.1:" + elsewhere + "/x");
        browser.findElement(By.id("username")).sendKeys("redirected");
        browser.findElement(By.id("password")).sendKeys("redirected-password");
        browser.findElement(By.cssSelector("main form button[type=submit]")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> d.getPageSource().contains("Signed in as"));
        assertEquals(base + "/", browser.getCurrentUrl());
    }

    @Test
    void sign_out_everywhere_on_the_account_page_ends_the_other_browsers_session_too() {
        Browser.signUp(browser, base, "everywhere", "everywhere-password");
        WebClient phone = new WebClient(base);
        assertEquals(200, phone.postJson("/api/login", Map.of("username", "everywhere",
                "password", "everywhere-password")).statusCode());
        browser.findElement(By.linkText("everywhere")).click();
        assertTrue(browser.findElement(By.tagName("main")).getText().contains("You are signed in on 2 browsers"));
        browser.findElement(By.xpath("//button[text()='Sign out everywhere']")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> d.getCurrentUrl().endsWith("/login"));
        assertEquals(401, phone.get("/api/me").statusCode());
        browser.get(base + "/account");
        assertTrue(browser.getCurrentUrl().startsWith(base + "/login"), "this browser is signed out too");
    }
}
