package dev.chatsync.system;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One person's headless Chromium (a browser of its own, so its tab is a device of its own), driven
 * through Debian's chromedriver: the binaries are given explicitly so that Selenium Manager never
 * tries to download a browser or a driver. deploy/local/browser.sh installs both.
 */
final class Browser implements AutoCloseable {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path TARGET = Path.of("target").toAbsolutePath();

  private final String name;
  private final ChromeDriver driver;

  private Browser(String name, ChromeDriver driver) {
    this.name = name;
    this.driver = driver;
  }

  static Browser open(String name, String url) throws Exception {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      throw new IllegalStateException(CHROMIUM + " and " + CHROMEDRIVER + " are needed: run deploy/local/browser.sh");
    }
    Path profile = Files.createDirectories(TARGET.resolve("chromium/" + name + "-" + UUID.randomUUID()));
    ChromeOptions options = new ChromeOptions()
        .setBinary(CHROMIUM.toFile())
        // As root, offline, on a CI box without a GPU or a big /dev/shm.
        .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--window-size=1280,860", "--user-data-dir=" + profile);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
        .usingAnyFreePort()
        .withLogFile(TARGET.resolve("chromium/" + name + "-chromedriver.log").toFile())
        .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.get(url);
    return new Browser(name, driver);
  }

  WebDriver driver() {
    return driver;
  }

  /**
   * Waits until {@code condition} returns something other than null or false; the page redraws
   * its lists, so an element found a moment ago may be gone: that only means "look again".
   */
  <T> T await(Duration timeout, String what, Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, timeout, Duration.ofMillis(100))
        .withMessage(name + ": " + what)
        .ignoring(StaleElementReferenceException.class)
        .ignoring(NoSuchElementException.class)
        .until(condition);
  }

  <T> T await(String what, Function<WebDriver, T> condition) {
    return await(Duration.ofSeconds(30), what, condition);
  }

  WebElement find(String testId) {
    return driver.findElement(testId(testId));
  }

  /** The text of the first element matching {@code css}, or null when there is none. */
  String textOf(String css) {
    List<WebElement> found = driver.findElements(By.cssSelector(css));
    return found.isEmpty() ? null : found.get(0).getText();
  }

  /**
   * Clicks the element matching {@code css}, found again if the page redrew it between the finding
   * and the click (a message list redraws on every event: a CI run lost an Edit button that way).
   */
  void click(String css) {
    await("to click " + css, found -> {
      found.findElement(By.cssSelector(css)).click();
      return true;
    });
  }

  static By testId(String testId) {
    return By.cssSelector("[data-testid='" + testId + "']");
  }

  void type(String testId, String text) {
    WebElement input = find(testId);
    input.clear();
    input.sendKeys(text);
  }

  Object script(String script, Object... arguments) {
    return driver.executeScript(script, arguments);
  }

  /** A PNG of the window in target/screenshots; returns its absolute path. */
  Path screenshot(String label) throws Exception {
    Path file = Files.createDirectories(TARGET.resolve("screenshots")).resolve(label + "-" + name + ".png");
    Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
    return file;
  }

  /** The page's console output, for a failure report. */
  String console() {
    StringBuilder lines = new StringBuilder();
    driver.manage().logs().get(LogType.BROWSER).forEach(entry -> lines.append(entry.getLevel()).append(' ')
        .append(entry.getMessage()).append('\n'));
    return lines.toString();
  }

  @Override
  public void close() {
    driver.quit();
  }
}
