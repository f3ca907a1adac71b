package dev.tributary.testing;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Headless Chromium for the console tests: Debian's {@code chromium} and {@code chromium-driver} (bin/browser installs
 * them; {@code TRIBUTARY_CHROMIUM} / {@code TRIBUTARY_CHROMEDRIVER} point elsewhere). Both paths are given, so
 * Selenium Manager never tries to download a driver, and Chromium's background traffic is off (this machine's
 * network is closed; its refused connections slow every start).
 */
public final class Browser {

    private Browser() {}

    public static WebDriver headless() throws IOException {
        String chromium = System.getenv().getOrDefault("TRIBUTARY_CHROMIUM", "/usr/bin/chromium");
        String driver = System.getenv().getOrDefault("TRIBUTARY_CHROMEDRIVER", "/usr/bin/chromedriver");
        if (!new File(chromium).canExecute() || !new File(driver).canExecute()) {
            throw new IllegalStateException("no Chromium at " + chromium + " or no ChromeDriver at " + driver
                    + ": run bin/browser (bin/test does)");
        }
        ChromeOptions options = new ChromeOptions().setBinary(chromium).addArguments("--headless=new", "--no-sandbox",
                "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1100,900", "--user-data-dir=" + Files.createTempDirectory("tributary-chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(driver))
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /** Saves what the browser shows under {@code target/screenshots/}. */
    public static Path screenshot(WebDriver browser, String name) throws IOException {
        Path target = Path.of("target", "screenshots", name);
        Files.createDirectories(target.getParent());
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }
}
