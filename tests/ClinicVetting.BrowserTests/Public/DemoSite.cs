using ClinicVetting.BrowserTests.Support;
using ClinicVetting.Testing;
using Microsoft.Playwright;

namespace ClinicVetting.BrowserTests.Public;

/// <summary>
/// The app as ./scripts/run shows it to the public: Development with the demo data (ten seed clinics, the first edition), on a
/// database of its own, ready once the public ranking's projection has the edition.
/// </summary>
public sealed class DemoSite : IAsyncLifetime
{
    public const string Database = "clinicvetting_browser_public";

    public LiveApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = await LiveApp.Start(new LiveAppOptions(Database)
        {
            Environment = "Development",
            Settings = new Dictionary<string, string> { ["ClinicVetting:LoadDemoData"] = "true" },
        });

        // The daemon had not projected the demo's edition in two minutes under a loaded machine: catch up once, then carry on as usual.
        await Marten.Events.TestingExtensions.ForceAllMartenDaemonActivityToCatchUpAsync(App.Services, CancellationToken.None,
            Marten.Events.CatchUpMode.AndResumeNormally);
        using var client = App.CreateClient();
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while ((await client.GetAsync("api/public/rankings")).StatusCode != System.Net.HttpStatusCode.OK)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The demo's first edition did not reach the public ranking within 2 minutes.");
            await Task.Delay(250);
        }
    }

    /// <summary>A reader's browser on this site (own cookies; JavaScript on unless told otherwise).</summary>
    public Task<IBrowserContext> NewReader(BrowserApp browser, bool javaScript = true) => browser.Browser.NewContextAsync(new BrowserNewContextOptions
    {
        BaseURL = App.BaseAddress.ToString(),
        ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        Locale = "en-US",
        TimezoneId = "UTC",
        JavaScriptEnabled = javaScript,
    });

    public async Task DisposeAsync()
    {
        if (App is not null) await App.DisposeAsync();
    }
}
