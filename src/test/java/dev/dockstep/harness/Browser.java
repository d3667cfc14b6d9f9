package dev.dockstep.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeOptions;

/** Debian's headless Chromium under Selenium, with the flags this offline machine needs. */
public final class Browser {
    private Browser() {
    }

    public static ChromeDriver start() {
        if (System.getProperty("webdriver.chrome.driver") == null) {
            // Without it Selenium Manager tries to download a driver.
            System.setProperty("webdriver.chrome.driver", "/usr/bin/chromedriver");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1280,900");
        ChromeDriver driver = new ChromeDriver(options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return driver;
    }

    /** Signs up through the real form, as a person would. */
    public static void signUp(WebDriver driver, String base, String name, String password) {
        driver.get(base + "/signup");
        driver.findElement(org.openqa.selenium.By.id("username")).sendKeys(name);
        driver.findElement(org.openqa.selenium.By.id("password")).sendKeys(password);
        driver.findElement(org.openqa.selenium.By.cssSelector("main form button[type=submit]")).click();
        new org.openqa.selenium.support.ui.WebDriverWait(driver, Duration.ofSeconds(5))
                .until(d -> d.getPageSource().contains("Signed in as"));
    }

    /** The signed-in learner's own sandbox, as the browser's session gets it from /api/sandbox. */
    public static LearnerSandbox sandbox(WebDriver driver) {
        String body = (String) ((org.openqa.selenium.JavascriptExecutor) driver).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + " fetch('/api/sandbox').then(r => r.text()).then(done, e => done(String(e)));");
        try {
            var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
            if (!json.has("dockerHost")) {
                throw new AssertionError("no sandbox: " + body);
            }
            return new LearnerSandbox(json.get("dockerHost").asText(), Path.of(json.get("dockerConfig").asText()),
                    json.get("registry").asText(), json.get("user").asText());
        } catch (IOException e) {
            throw new AssertionError("GET /api/sandbox gave no JSON: " + body, e);
        }
    }

    /**
     * Does the docker-hub course's first exercise (the login) as the signed-in learner, so that the
     * lessons after it open: lessons open in course order.
     */
    public static void passTheLogin(WebDriver driver, String password) {
        LearnerSandbox sandbox = sandbox(driver);
        sandbox.login(password).requireSuccess();
        check(driver, "docker-hub/login/log-in-to-the-practice-registry");
    }

    /** Presses Check on a step through the page's own API, as the signed-in learner; fails unless it passes. */
    public static void check(WebDriver driver, String courseLessonStep) {
        String body = (String) ((org.openqa.selenium.JavascriptExecutor) driver).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + " fetch('/api/check/' + arguments[0], {method: 'POST',"
                        + " headers: {'Content-Type': 'application/json'}, body: '{}'}).then(r => r.text()).then(done,"
                        + " e => done(String(e)));", courseLessonStep);
        if (!body.contains("\"passed\":true")) {
            throw new AssertionError(courseLessonStep + " did not pass: " + body);
        }
    }

    /** Waits until the page's event stream is registered with the server, so no live event is missed. */
    public static void awaitLive(WebDriver driver) {
        new org.openqa.selenium.support.ui.WebDriverWait(driver, Duration.ofSeconds(10)).until(
                d -> "on".equals(((org.openqa.selenium.JavascriptExecutor) d)
                        .executeScript("return document.documentElement.dataset.live")));
    }

    /**
     * Runs an axe-core scan of the page and fails on any serious or critical violation, naming
     * each with the elements it found.
     */
    public static void assertAccessible(WebDriver driver, String page) {
        com.deque.html.axecore.results.Results results = new com.deque.html.axecore.selenium.AxeBuilder().analyze(driver);
        java.util.List<String> bad = results.getViolations().stream()
                .filter(rule -> "serious".equals(rule.getImpact()) || "critical".equals(rule.getImpact()))
                .map(rule -> rule.getImpact() + " " + rule.getId() + ": " + rule.getHelp() + " at "
                        + rule.getNodes().stream().map(n -> String.valueOf(n.getTarget())).limit(3).toList())
                .toList();
        if (!bad.isEmpty()) {
            throw new AssertionError("axe found serious or critical violations on " + page + ":\n" + String.join("\n", bad));
        }
    }

    /** Makes the page render as if the system asked for dark mode. */
    public static void darkMode(ChromeDriver driver, boolean dark) {
        driver.executeCdpCommand("Emulation.setEmulatedMedia", java.util.Map.of("features", java.util.List.of(
                java.util.Map.of("name", "prefers-color-scheme", "value", dark ? "dark" : "light"))));
    }

    /** Saves a screenshot under {@code target/screenshots/}. */
    public static Path screenshot(WebDriver driver, String name) throws IOException {
        Path dir = Files.createDirectories(Path.of("target/screenshots"));
        Path file = dir.resolve(name + ".png");
        Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        return file;
    }
}
