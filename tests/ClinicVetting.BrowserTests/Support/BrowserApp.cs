using ClinicVetting.Testing;
using Microsoft.Playwright;

namespace ClinicVetting.BrowserTests.Support;

/// <summary>
/// The app on a real port as ./scripts/run shows it to a person (Development, so the dev identities are there), on a
/// database of this project's own, and one headless Chromium for all browser tests; each test opens its own context.
/// </summary>
public sealed class BrowserApp : IAsyncLifetime
{
    public const string Database = "clinicvetting_browser";

    /// <summary>Debian's chromium: Playwright cannot download its own browsers here. CLINICVETTING_CHROMIUM overrides.</summary>
    public static string ChromiumPath => Environment.GetEnvironmentVariable("CLINICVETTING_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public LiveApp App { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    private IPlaywright? _playwright;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"No Chromium at {ChromiumPath}: ./scripts/test installs Debian's chromium (apt-get install chromium), or set CLINICVETTING_CHROMIUM.");
        }

        App = await LiveApp.Start(new LiveAppOptions(Database) { Environment = "Development" });
        _playwright = await Playwright.CreateAsync();
        // Two cores shared by several test runs: Playwright's 5 s default is too tight here.
        Assertions.SetDefaultExpectTimeout(15_000);
        // Launch (not a persistent context) gives every run a fresh temporary profile, deleted on close.
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", // root cannot use Chromium's sandbox
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        });
    }

    /// <summary>A new browser context (own cookies and storage) on the app's address: relative URLs work in GotoAsync.</summary>
    public Task<IBrowserContext> NewContext() => Browser.NewContextAsync(new BrowserNewContextOptions
    {
        BaseURL = App.BaseAddress.ToString(),
        ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        Locale = "en-US",
        TimezoneId = "UTC",
    });

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserApp>
{
    public const string Name = "browser";
}
