namespace ClinicVetting.Demo;

/// <summary>Records that a demo step ran, so a restart never loads it twice.</summary>
public sealed class DemoDataMarker
{
    public string Id { get; set; } = "";
    public DateTimeOffset LoadedAt { get; set; }
}

/// <summary>
/// One step of the demo: it drives the same Wolverine commands the API does (never raw SQL),
/// as a named demo user, and is skipped once its marker exists.
/// </summary>
public interface IDemoStep
{
    string Name { get; }
    Task Run(DemoContext context, CancellationToken cancellation);
}

public static class DemoData
{
    /// <summary>The demo steps in order; later capabilities append theirs.</summary>
    public static readonly IReadOnlyList<IDemoStep> Steps =
    [
        new SeedClinics(),
        new VetSeedClinics(),
        new SeedReviews(),
        new PublishFirstEdition(),
    ];
}

public static class DemoSetup
{
    /// <summary>After Marten and Wolverine, so their runtimes are up when the demo steps invoke commands.</summary>
    public static void AddDemo(this WebApplicationBuilder builder)
    {
        builder.Services.ConfigureMarten(opts => opts.Schema.For<DemoDataMarker>().DocumentAlias("demo_data_marker"));
        builder.Services.AddHostedService<DemoDataLoader>();
        builder.Services.AddHostedService<DevBanner>();
    }
}
