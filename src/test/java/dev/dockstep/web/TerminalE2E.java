package dev.dockstep.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.harness.Browser;
import dev.dockstep.harness.TestApp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The terminal on the lesson page, in headless Chromium, typed into as a person would. */
class TerminalE2E {
    private static TestApp server;
    private static ChromeDriver browser;
    private static final Duration WAIT = Duration.ofSeconds(20);

    @BeforeAll
    static void start() {
        server = TestApp.start(Path.of("lessons"), config -> config);
        browser = Browser.start();
        Browser.signUp(browser, server.base(), "typist", "typist-password");
        Browser.passTheLogin(browser, "typist-password");
    }

    @AfterAll
    static void stop() {
        try {
            if (browser != null) {
                browser.quit();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    @BeforeEach
    void openLesson() {
        browser.manage().window().setSize(new Dimension(1280, 900));
        browser.get(server.base() + "/courses/docker-hub/tag");
        awaitConnected();
    }

    @AfterEach
    void wideAgain() {
        browser.manage().window().setSize(new Dimension(1280, 900));
    }

    private static void awaitConnected() {
        new WebDriverWait(browser, WAIT).until(d -> "connected".equals(
                d.findElement(By.id("terminal-pane")).getAttribute("data-state")));
    }

    /** What a screen reader would read of the terminal: xterm's accessibility tree, row by row. */
    private static String screen() {
        return (String) ((JavascriptExecutor) browser).executeScript(
                "return Array.from(document.querySelectorAll('.xterm-accessibility-tree > div'))"
                        + ".map(row => row.textContent.replace(/\\s+$/, '')).join('\\n');");
    }

    private static void awaitLine(String line) {
        try {
            new WebDriverWait(browser, WAIT).until(d -> ("\n" + screen() + "\n").contains("\n" + line + "\n"));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("the terminal never showed the line \"" + line + "\"; it shows:\n" + screen(), e);
        }
    }

    private static void typeInTerminal(String text) {
        browser.findElement(By.cssSelector("#terminal .xterm")).click();
        new Actions(browser).sendKeys(text).sendKeys(Keys.ENTER).perform();
    }

    private static Map<String, Object> rect(String selector) {
        @SuppressWarnings("unchecked")
        Map<String, Object> rect = (Map<String, Object>) ((JavascriptExecutor) browser).executeScript(
                "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
                        + "return {left: r.left, right: r.right, top: r.top, width: r.width, height: r.height};", selector);
        return rect;
    }

    private static double number(Object value) {
        return ((Number) value).doubleValue();
    }

    @Test
    void the_terminal_sits_beside_the_steps_and_echoes_what_is_typed() throws Exception {
        Map<String, Object> steps = rect("#steps-pane");
        Map<String, Object> terminal = rect("#terminal-pane");
        assertTrue(number(steps.get("right")) <= number(terminal.get("left")), "steps " + steps + ", terminal " + terminal);
        assertTrue(number(terminal.get("height")) > 400, "the terminal is tall: " + terminal);
        typeInTerminal("echo hi");
        awaitLine("hi");
        assertTrue(screen().contains("typist@dockstep"), screen());
        Browser.screenshot(browser, "terminal");
        Browser.assertAccessible(browser, "lesson page with its terminal");
        Browser.darkMode(browser, true);
        try {
            Browser.assertAccessible(browser, "lesson page with its terminal, dark");
            Browser.screenshot(browser, "terminal-dark");
        } finally {
            Browser.darkMode(browser, false);
        }
    }

    @Test
    void a_reload_shows_the_same_shell_with_what_it_printed() {
        typeInTerminal("echo \"before-$$-\"\"reload\"");
        String line = awaitLineMatching("before-\\d+-reload");
        browser.navigate().refresh();
        awaitConnected();
        awaitLine(line);
        typeInTerminal("echo \"after-$$-\"\"reload\"");
        awaitLine(line.replace("before", "after"));
    }

    private static String awaitLineMatching(String regex) {
        new WebDriverWait(browser, WAIT).until(d -> screen().lines().anyMatch(l -> l.matches(regex)));
        return screen().lines().filter(l -> l.matches(regex)).findFirst().orElseThrow();
    }

    @Test
    void at_360_pixels_two_tabs_switch_between_the_steps_and_the_terminal() throws Exception {
        browser.manage().window().setSize(new Dimension(360, 800));
        WebElement stepsTab = browser.findElement(By.id("tab-steps"));
        WebElement terminalTab = browser.findElement(By.id("tab-terminal"));
        assertTrue(stepsTab.isDisplayed() && terminalTab.isDisplayed());
        assertTrue(browser.findElement(By.id("steps-pane")).isDisplayed());
        assertFalse(browser.findElement(By.id("terminal-pane")).isDisplayed());
        assertEquals("true", stepsTab.getAttribute("aria-selected"));
        Browser.assertAccessible(browser, "lesson page at 360 px, steps");

        terminalTab.click();
        assertTrue(browser.findElement(By.id("terminal-pane")).isDisplayed());
        assertFalse(browser.findElement(By.id("steps-pane")).isDisplayed());
        assertEquals("true", terminalTab.getAttribute("aria-selected"));
        typeInTerminal("echo narrow-$((20+1))");
        awaitLine("narrow-21");
        long width = (Long) browser.executeScript("return document.documentElement.scrollWidth;");
        long viewport = (Long) browser.executeScript("return document.documentElement.clientWidth;");
        assertTrue(width <= viewport, "the page scrolls sideways at 360 px: " + width + " > " + viewport);
        Browser.screenshot(browser, "terminal-360px");
        Browser.assertAccessible(browser, "lesson page at 360 px, terminal");

        stepsTab.click();
        assertTrue(browser.findElement(By.id("steps-pane")).isDisplayed());
        assertFalse(browser.findElement(By.id("terminal-pane")).isDisplayed());
    }

    @Test
    void ctrl_backquote_moves_the_focus_between_the_steps_and_the_terminal() {
        WebElement check = browser.findElement(By.cssSelector(".step.current button.check"));
        ((JavascriptExecutor) browser).executeScript("arguments[0].focus()", check);
        new Actions(browser).keyDown(Keys.CONTROL).sendKeys("`").keyUp(Keys.CONTROL).perform();
        assertTrue((Boolean) browser.executeScript(
                "return document.getElementById('terminal-pane').contains(document.activeElement)"), "focus in the terminal");
        new Actions(browser).sendKeys("echo focused").sendKeys(Keys.ENTER).perform();
        awaitLine("focused");
        new Actions(browser).keyDown(Keys.CONTROL).sendKeys("`").keyUp(Keys.CONTROL).perform();
        assertEquals(check, browser.switchTo().activeElement(), "focus back where it was in the steps");
        assertFalse(screen().contains("`"), "the shortcut types nothing into the shell: " + screen());
    }

    @Test
    void the_divider_moves_with_the_arrow_keys_and_the_terminal_follows() {
        WebElement divider = browser.findElement(By.cssSelector(".divider"));
        ((JavascriptExecutor) browser).executeScript("arguments[0].focus()", divider);
        double before = number(rect("#terminal-pane").get("width"));
        new Actions(browser).sendKeys(Keys.ARROW_LEFT, Keys.ARROW_LEFT).perform();
        assertEquals("40", divider.getAttribute("aria-valuenow"));
        new WebDriverWait(browser, WAIT).until(d -> number(rect("#terminal-pane").get("width")) > before + 50);
        double main = number(rect("main.lesson").get("width"));
        assertEquals(0.40, number(rect("#steps-pane").get("width")) / main, 0.02);
        new Actions(browser).sendKeys(Keys.END).perform();
        assertEquals("80", divider.getAttribute("aria-valuenow"));
        new Actions(browser).sendKeys(Keys.HOME).perform();
        assertEquals("20", divider.getAttribute("aria-valuenow"));
        // The terminal's columns follow its pane: stty reports the new width.
        typeInTerminal("echo cols=$(tput cols)");
        String cols = awaitLineMatching("cols=\\d+");
        ((JavascriptExecutor) browser).executeScript("arguments[0].focus()", divider);
        new Actions(browser).sendKeys(Keys.END).perform();
        typeInTerminal("echo cols=$(tput cols)");
        new WebDriverWait(browser, WAIT).until(d -> screen().lines().filter(l -> l.matches("cols=\\d+")).count() >= 2);
        String after = screen().lines().filter(l -> l.matches("cols=\\d+")).reduce((a, b) -> b).orElseThrow();
        assertTrue(Integer.parseInt(after.substring(5)) < Integer.parseInt(cols.substring(5)), cols + " then " + after);
        ((JavascriptExecutor) browser).executeScript("localStorage.clear()");
    }
}
