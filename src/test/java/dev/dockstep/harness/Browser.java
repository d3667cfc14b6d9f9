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

    /** Saves a screenshot under {@code target/screenshots/}. */
    public static Path screenshot(WebDriver driver, String name) throws IOException {
        Path dir = Files.createDirectories(Path.of("target/screenshots"));
        Path file = dir.resolve(name + ".png");
        Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        return file;
    }
}
