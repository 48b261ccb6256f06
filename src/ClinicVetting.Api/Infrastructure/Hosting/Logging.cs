using ClinicVetting.Infrastructure.Http;
using Serilog;
using Serilog.Formatting.Compact;

namespace ClinicVetting.Infrastructure.Hosting;

public static class Logging
{
    public static void AddLogging(this WebApplicationBuilder builder)
    {
        builder.Services.AddSerilog((services, logger) =>
        {
            logger.ReadFrom.Configuration(builder.Configuration)
                .ReadFrom.Services(services)
                .Enrich.FromLogContext()
                .Enrich.WithProperty("Application", "ClinicVetting")
                .Filter.ByExcluding(IsARefusalLoggedAsAFailure);

            if (builder.Environment.IsDevelopment())
            {
                logger.WriteTo.Console(outputTemplate:
                    "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj} {CorrelationId}{NewLine}{Exception}");
            }
            else
            {
                logger.WriteTo.Console(new RenderedCompactJsonFormatter());
            }
        });
    }

    public static void UseRequestLogging(this WebApplication app)
    {
        app.UseSerilogRequestLogging(options =>
        {
            options.MessageTemplate = "HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0} ms";
            options.EnrichDiagnosticContext = (diagnostics, http) =>
            {
                diagnostics.Set("CorrelationId", CorrelationId.Of(http));
                diagnostics.Set("User", http.User.Identity?.Name ?? "anonymous");
            };
            // A refused request (4xx) is the caller's business, not an alarm: Information. Health probes would drown the log.
            options.GetLevel = (http, _, exception) => LevelOf(http.Request.Path, http.Response.StatusCode, exception);
        });
    }

    /// <summary>
    /// Wolverine logs every failed invocation at Error with its stack trace; a refusal the caller gets as a 4xx is no failure of
    /// ours, and the request log already records it (at Information, with its status).
    /// </summary>
    private static bool IsARefusalLoggedAsAFailure(Serilog.Events.LogEvent logEvent) =>
        logEvent.Exception is { } exception
        && logEvent.MessageTemplate.Text.StartsWith("Invocation of ", StringComparison.Ordinal)
        && ProblemExceptionHandler.ToProblem(exception).Status < 500;

    private static Serilog.Events.LogEventLevel LevelOf(PathString path, int status, Exception? exception) =>
        exception is not null || status >= 500 ? Serilog.Events.LogEventLevel.Error
        : path.StartsWithSegments("/health") ? Serilog.Events.LogEventLevel.Verbose
        : Serilog.Events.LogEventLevel.Information;
}
