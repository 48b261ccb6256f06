using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ClinicVetting.Infrastructure.Hosting;

public static class Telemetry
{
    /// <summary>Traces and metrics from ASP.NET Core, Npgsql, Marten and Wolverine, exported over OTLP when an endpoint is set.</summary>
    public static void AddTelemetry(this WebApplicationBuilder builder)
    {
        var endpoint = builder.Configuration["Telemetry:OtlpEndpoint"];
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            endpoint = builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        }

        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return;
        }

        var otlp = new Uri(endpoint);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("clinicvetting-api"))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation()
                .AddNpgsql()
                .AddSource("Marten")
                .AddSource("Wolverine")
                .AddOtlpExporter(o => o.Endpoint = otlp))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddMeter("Marten")
                .AddMeter("Wolverine")
                .AddMeter("Npgsql")
                .AddOtlpExporter(o => o.Endpoint = otlp));
    }
}
