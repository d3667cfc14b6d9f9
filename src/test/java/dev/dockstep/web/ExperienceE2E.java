package dev.dockstep.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.harness.Browser;
import dev.dockstep.harness.LearnerSandbox;
import dev.dockstep.harness.TestApp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The lesson page as a first class met it, in headless Chromium: one click per reading step,
 * reasons rendered and said once, hints that run out visibly, a quiz box that does not cut its
 * question, a sign that the page is live, buttons that all look like ours, and 360 px where no
 * button covers text and no table cell breaks a word.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExperienceE2E {
    private static TestApp server;
    private static ChromeDriver browser;
    private static LearnerSandbox sandbox;
    private static dev.dockstep.harness.AnyOrderLessons lessons;

    @BeforeAll
    static void start() {
        // Each test starts at the lesson it is about; CourseOrderIT tests the order.
        lessons = dev.dockstep.harness.AnyOrderLessons.of(Path.of("lessons"));
        server = TestApp.start(lessons.path(), config -> config);
        browser = Browser.start();
        Browser.signUp(browser, server.base(), "firstclass", "firstclass-password");
        sandbox = Browser.sandbox(browser);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
        if (lessons != null) {
            lessons.close();
        }
    }

    private static Object js(String script, Object... args) {
        return browser.executeScript(script, args);
    }

    private static WebDriverWait waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(10));
    }

    @Test
    @Order(1)
    void a_reading_step_passes_with_one_click_and_the_page_moves_on_to_the_next_step() throws Exception {
        browser.get(server.base() + "/courses/docker-hub/registries");
        Browser.awaitLive(browser);
        WebElement first = browser.findElement(By.id("step-a-registry-stores-images"));
        first.findElement(By.cssSelector("button.next")).click();
        waiting().until(ExpectedConditions.attributeContains(first, "class", "passed"));
        waiting().until(d -> "step-docker-hub".equals(js("return document.activeElement.closest('.step')?.id")));
        assertTrue(first.findElements(By.cssSelector("button.next")).isEmpty(), "nothing left to click on it");
        assertFalse(first.findElement(By.cssSelector(".next-step")).isDisplayed(), "no second button to move on");
    }

    @Test
    @Order(2)
    void a_finished_lesson_says_so_and_its_answered_quizzes_keep_their_answers_after_a_reload() throws Exception {
        browser.get(server.base() + "/courses/docker-hub/registries");
        for (String step : List.of("docker-hub", "other-kinds-of-registry", "think-before-you-publish",
                "your-practice-registry")) {
            WebElement element = browser.findElement(By.id("step-" + step));
            element.findElement(By.cssSelector("button.next")).click();
            waiting().until(ExpectedConditions.attributeContains(element, "class", "passed"));
        }
        WebElement quiz = browser.findElement(By.id("step-which-registry-fits"));
        WebElement legend = quiz.findElement(By.tagName("legend"));
        WebElement fieldset = quiz.findElement(By.tagName("fieldset"));
        // The border runs along the fieldset's top edge; a legend of several lines used to sit across it.
        double legendTop = ((Number) js("return arguments[0].getBoundingClientRect().top", legend)).doubleValue();
        double boxTop = ((Number) js("return arguments[0].getBoundingClientRect().top"
                + " + parseFloat(getComputedStyle(arguments[0]).borderTopWidth)", fieldset)).doubleValue();
        assertTrue(legendTop >= boxTop, "the quiz's border crosses its question: " + legendTop + " < " + boxTop);
        quiz.findElement(By.id("which-registry-fits-0")).click();
        quiz.findElement(By.id("which-registry-fits-1")).click();
        quiz.findElement(By.cssSelector("button.check")).click();
        waiting().until(ExpectedConditions.attributeContains(quiz, "class", "passed"));
        WebElement last = browser.findElement(By.id("step-what-goes-public"));
        last.findElement(By.id("what-goes-public-2")).click();
        last.findElement(By.cssSelector("button.check")).click();
        waiting().until(ExpectedConditions.attributeContains(last, "class", "passed"));
        WebElement complete = browser.findElement(By.id("lesson-complete"));
        waiting().until(ExpectedConditions.visibilityOf(complete));
        js("arguments[0].scrollIntoView({block: 'center'})", complete);
        Browser.screenshot(browser, "lesson-complete");

        browser.navigate().refresh();
        quiz = browser.findElement(By.id("step-which-registry-fits"));
        assertEquals(List.of(true, true, false, false), quiz.findElements(By.cssSelector(".quiz input")).stream()
                .map(WebElement::isSelected).toList(), "the learner's answers, after a reload");
        assertTrue(quiz.findElements(By.cssSelector(".quiz input")).stream().noneMatch(WebElement::isEnabled));
        assertTrue(quiz.findElements(By.cssSelector("button.check")).isEmpty(), "no Answer button again");
        complete = browser.findElement(By.id("lesson-complete"));
        assertTrue(complete.isDisplayed());
        WebElement next = complete.findElement(By.linkText("Next lesson: Your registry account"));
        next.click();
        waiting().until(ExpectedConditions.urlToBe(server.base() + "/courses/docker-hub/account"));
    }

    @Test
    @Order(3)
    void a_failure_shows_its_reason_once_rendered_and_the_hints_run_out_visibly() throws Exception {
        browser.get(server.base() + "/courses/docker-hub/tag");
        Browser.awaitLive(browser);
        browser.findElement(By.cssSelector("#step-the-parts-of-an-image-name button.next")).click();
        WebElement step = browser.findElement(By.id("step-tag-the-backend-image"));
        waiting().until(ExpectedConditions.attributeContains(step, "class", "current"));
        step.findElement(By.cssSelector("button.check")).click();
        waiting().until(ExpectedConditions.attributeContains(step, "class", "failed"));
        String reason = sandbox.registry() + "/firstclass/backend:0.1 is not among your images";
        // What a sighted learner sees: the live region's words for screen readers are visually hidden.
        String seen = (String) js("const out = []; const walker = document.createTreeWalker(arguments[0],"
                + " NodeFilter.SHOW_TEXT); for (let n = walker.nextNode(); n; n = walker.nextNode()) {"
                + " if (!n.parentElement.closest('.visually-hidden, [hidden]')) out.push(n.textContent); }"
                + " return out.join('');", step);
        // Both checks fail for that one reason; it used to show in the status line and once per check.
        assertEquals(1, seen.split(java.util.regex.Pattern.quote(reason), -1).length - 1, "the reason shows once in:\n"
                + seen.replace("\n", "\n> "));
        assertFalse(seen.contains("`"), "markdown shows as code, not as backticks: " + seen);
        WebElement status = step.findElement(By.cssSelector(".actions .status"));
        assertEquals("Not yet.", js("return arguments[0].firstChild.textContent", status), "seen beside the button");
        assertTrue(status.findElement(By.cssSelector(".visually-hidden")).getAttribute("textContent").contains(reason),
                "and heard by a screen reader, which reads the live region");
        assertTrue(step.findElements(By.cssSelector(".results li.failed code")).size() >= 2);

        WebElement hints = step.findElement(By.cssSelector(".hint-button"));
        hints.click();
        hints.click();
        assertFalse(hints.isEnabled());
        assertEquals("No more hints", hints.getText());
        double opacity = Double.parseDouble((String) js("return getComputedStyle(arguments[0]).opacity", hints));
        assertTrue(opacity < 0.8, "a disabled button must look disabled: opacity " + opacity);
        assertTrue(step.findElements(By.cssSelector(".hints .hint code")).size() > 0, "hints render their markdown");
        Browser.assertAccessible(browser, "lesson page with a failure and its hints");
        Browser.darkMode(browser, true);
        try {
            Browser.assertAccessible(browser, "lesson page with a failure and its hints, dark");
        } finally {
            Browser.darkMode(browser, false);
        }
    }

    @Test
    @Order(4)
    void the_page_shows_whether_it_is_live() throws Exception {
        browser.get(server.base() + "/courses/docker-hub/tag");
        Browser.awaitLive(browser);
        WebElement indicator = browser.findElement(By.cssSelector(".lesson-head .live-indicator"));
        assertEquals("Live: steps pass as you work", indicator.getText());
        Browser.screenshot(browser, "live-indicator");
        // What the stream's error handler does while it reconnects.
        js("document.documentElement.dataset.live = 'off'");
        assertEquals("Reconnecting…", indicator.getText());
        Browser.screenshot(browser, "live-indicator-reconnecting");
        js("document.documentElement.dataset.live = 'on'");
    }

    @Test
    @Order(5)
    void every_button_on_every_page_is_one_of_ours() {
        for (String path : List.of("/", "/courses/docker-hub", "/courses/docker-hub/tag", "/account")) {
            browser.get(server.base() + path);
            js("document.querySelectorAll('details').forEach(d => d.open = true)");
            @SuppressWarnings("unchecked")
            List<String> plain = (List<String>) js("const body = getComputedStyle(document.body).fontFamily;"
                    + " return [...document.querySelectorAll('button, a.button')]"
                    + ".filter(b => b.offsetParent !== null && !b.classList.contains('link'))"
                    + ".filter(b => getComputedStyle(b).fontFamily !== body || getComputedStyle(b).borderRadius === '0px')"
                    + ".map(b => b.outerHTML.slice(0, 120));");
            assertEquals(List.of(), plain, "unstyled buttons on " + path);
        }
    }

    @Test
    @Order(6)
    void at_360_pixels_no_button_covers_text_and_no_table_cell_breaks_a_word() throws Exception {
        browser.manage().window().setSize(new Dimension(360, 800));
        try {
            for (String path : List.of("/", "/courses/docker-hub", "/courses/docker-hub/registries",
                    "/courses/docker-hub/tag", "/courses/docker-hub/summary", "/account")) {
                browser.get(server.base() + path);
                js("document.querySelectorAll('details').forEach(d => d.open = true)");
                assertEquals(List.of(), covered(), "buttons over text on " + path);
                // The sticky Steps/Terminal tabs cover what scrolls under them, but never the step the page opened at.
                Object under = js("const tabs = document.querySelector('.pane-tabs'); const h = document.querySelector("
                        + "'.step[aria-current] h2'); if (!tabs || !h || tabs.offsetParent === null) return null;"
                        + " return h.getBoundingClientRect().top < tabs.getBoundingClientRect().bottom ? h.textContent : null;");
                assertEquals(null, under, "the sticky tabs cover the current step's title on " + path);
                assertEquals(List.of(), brokenWords(), "table cells that break a word on " + path);
                long width = (Long) js("return document.documentElement.scrollWidth;");
                long viewport = (Long) js("return document.documentElement.clientWidth;");
                assertTrue(width <= viewport, path + " scrolls sideways at 360 px: " + width + " > " + viewport);
            }
            browser.get(server.base() + "/courses/docker-hub/registries");
            js("document.querySelector('.table-wrap').scrollIntoView({block: 'start'})");
            Browser.screenshot(browser, "lesson-360px-table");
            browser.get(server.base() + "/courses/docker-hub");
            Browser.screenshot(browser, "course-360px");
        } finally {
            browser.manage().window().setSize(new Dimension(1280, 900));
        }
    }

    /** Each visible button with the text it covers: text of another element inside its box. */
    @SuppressWarnings("unchecked")
    private static List<String> covered() {
        return (List<String>) js("""
                const texts = [];
                const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
                for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                  if (!node.textContent.trim() || node.parentElement.closest('.visually-hidden, [hidden], .terminal-pane')) continue;
                  const range = document.createRange();
                  range.selectNodeContents(node);
                  for (const rect of range.getClientRects()) texts.push({ node, rect });
                }
                const found = [];
                for (const button of document.querySelectorAll('button, a.button')) {
                  if (button.offsetParent === null || button.closest('.pane-tabs')) continue;
                  const b = button.getBoundingClientRect();
                  for (const { node, rect } of texts) {
                    if (button.contains(node)) continue;
                    const w = Math.min(b.right, rect.right) - Math.max(b.left, rect.left);
                    const h = Math.min(b.bottom, rect.bottom) - Math.max(b.top, rect.top);
                    if (w > 1 && h > 1) found.push(button.textContent.trim() + ' covers "' + node.textContent.trim().slice(0, 40) + '"');
                  }
                }
                return found;""");
    }

    /** Words in table cells that the browser wrapped onto two lines. */
    @SuppressWarnings("unchecked")
    private static List<String> brokenWords() {
        return (List<String>) js("""
                const found = [];
                for (const cell of document.querySelectorAll('td, th')) {
                  if (cell.offsetParent === null) continue;
                  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
                  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                    for (const word of node.textContent.matchAll(/\\S+/g)) {
                      const range = document.createRange();
                      range.setStart(node, word.index);
                      range.setEnd(node, word.index + word[0].length);
                      const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
                      if (lines.size > 1) found.push(word[0]);
                    }
                  }
                }
                return found;""");
    }

    @Test
    @Order(7)
    void the_course_page_and_every_page_use_our_icon() throws Exception {
        browser.get(server.base() + "/courses/docker-hub");
        assertTrue(browser.findElement(By.cssSelector(".course-action a.button")).getText().equals("Continue"));
        Browser.assertAccessible(browser, "course page");
        Browser.screenshot(browser, "course-page");
        Browser.darkMode(browser, true);
        try {
            Browser.assertAccessible(browser, "course page, dark");
        } finally {
            Browser.darkMode(browser, false);
        }
        Object icon = browser.executeAsyncScript("const done = arguments[0];"
                + " fetch(document.querySelector('link[rel=icon]').href).then(r => done(r.status + ' '"
                + " + r.headers.get('content-type')), e => done(String(e)));");
        assertTrue(String.valueOf(icon).startsWith("200 image/svg+xml"), String.valueOf(icon));
    }
}
