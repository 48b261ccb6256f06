namespace ClinicVetting.Infrastructure.Hosting;

/// <summary>The "ClinicVetting" configuration section; every value has a default that runs.</summary>
public sealed class AppOptions
{
    public const string Section = "ClinicVetting";

    /// <summary>Where development-only files live (signing key, dev tokens). Relative to the content root.</summary>
    public string DataDirectory { get; set; } = "";

    public string SchemaName { get; set; } = "clinicvetting";

    /// <summary>CreateOrUpdate in development and tests; None in production (apply with db-apply).</summary>
    public string AutoCreateSchema { get; set; } = "CreateOrUpdate";

    /// <summary>Dynamic (Roslyn at start-up, never stale) or Static (code written by codegen write at build).</summary>
    public string CodeGeneration { get; set; } = "Dynamic";

    /// <summary>
    /// Who runs the async projections (the public ranking, review stats): HotCold (one node of many, elected), Solo (this
    /// node alone), or Disabled (a node that serves and writes but does not project; the benchmarks' rebuilds use it).
    /// </summary>
    public string ProjectionDaemon { get; set; } = "HotCold";

    public bool LoadDemoData { get; set; }

    /// <summary>Print the URLs and development tokens once listening (scripts/run).</summary>
    public bool PrintDevBanner { get; set; }

    /// <summary>The address clients reach the API at when it differs from the one it listens on (a container's published port, a proxy).</summary>
    public string PublicUrl { get; set; } = "";

    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    public string ResolveDataDirectory(string contentRoot)
    {
        var path = string.IsNullOrWhiteSpace(DataDirectory) ? Path.Combine(contentRoot, ".data") : DataDirectory;
        return Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(contentRoot, path));
    }

    public static AppOptions From(IConfiguration configuration) =>
        configuration.GetSection(Section).Get<AppOptions>() ?? new AppOptions();

    public static string ConnectionString(IConfiguration configuration)
    {
        var configured = configuration.GetConnectionString("ClinicVetting")
                         ?? throw new InvalidOperationException("ConnectionStrings:ClinicVetting is not configured.");
        return FromAppSettingsJson(configuration, "ConnectionStrings:ClinicVetting") ? WithScriptSettings(configured) : configured;
    }

    /// <summary>
    /// The scripts' settings (CLINICVETTING_DB, else CLINICVETTING_PG_PORT) replace the default of appsettings.json, so
    /// `dotnet run -- db-assert` talks to the database ./scripts/run and ./scripts/test use; a connection string given
    /// explicitly (ConnectionStrings__ClinicVetting, a test's setting) is never touched.
    /// </summary>
    public static string WithScriptSettings(string appSettingsDefault)
    {
        if (Environment.GetEnvironmentVariable("CLINICVETTING_DB") is { Length: > 0 } server)
        {
            return server;
        }

        return Environment.GetEnvironmentVariable("CLINICVETTING_PG_PORT") is { Length: > 0 } port && int.TryParse(port, out var number)
            ? new Npgsql.NpgsqlConnectionStringBuilder(appSettingsDefault) { Port = number }.ConnectionString
            : appSettingsDefault;
    }

    private static bool FromAppSettingsJson(IConfiguration configuration, string key) =>
        configuration is IConfigurationRoot root
        && root.Providers.LastOrDefault(provider => provider.TryGet(key, out _)) is Microsoft.Extensions.Configuration.Json.JsonConfigurationProvider json
        && json.Source.Path == "appsettings.json";
}
