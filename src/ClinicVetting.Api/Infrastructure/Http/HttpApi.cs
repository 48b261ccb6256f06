using System.Text.Json;
using System.Text.Json.Serialization;
using ClinicVetting.Infrastructure.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace ClinicVetting.Infrastructure.Http;

public static class HttpApi
{
    public static void AddHttpApi(this WebApplicationBuilder builder)
    {
        var options = AppOptions.From(builder.Configuration);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<NodePresence>();
        builder.Services.AddHostedService(services => services.GetRequiredService<NodePresence>());
        builder.Services.AddSingleton<NodeDrain>();
        builder.Services.AddHostedService(services => services.GetRequiredService<NodeDrain>());

        builder.Services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            if (context.ProblemDetails.Status == StatusCodes.Status404NotFound && string.IsNullOrEmpty(context.ProblemDetails.Detail))
            {
                context.ProblemDetails.Detail = Problems.NotFoundDetail(context.HttpContext);
            }

            // Problems the framework writes (401, 404 of no route, 405, 415) join our one namespace of problem types.
            if (context.ProblemDetails.Type is null || !context.ProblemDetails.Type.StartsWith(Problems.TypeBase, StringComparison.Ordinal))
            {
                context.ProblemDetails.Type = Problems.TypeFor(context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode);
            }
            context.ProblemDetails.Extensions["traceId"] = System.Diagnostics.Activity.Current?.TraceId.ToString()
                                                           ?? context.HttpContext.TraceIdentifier;
            context.ProblemDetails.Extensions["correlationId"] = CorrelationId.Of(context.HttpContext);
            // The exception handler clears headers: the caller still needs the id to quote.
            context.HttpContext.Response.Headers[CorrelationId.Header] = CorrelationId.Of(context.HttpContext);
        });
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, ForbiddenProblems>();
        builder.AddForwardedHeaders();

        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
            json.SerializerOptions.Converters.Add(new NoNulStrings());
        });

        builder.AddForwardedHeaders();
        builder.AddRateLimits();
        builder.Services.AddWolverineHttp();
        builder.Services.AddOpenApi(openApi =>
        {
            openApi.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "ClinicVetting API",
                    Version = "v1",
                    Description = "Vetting of stem-cell clinics and the published ranking of verified clinics. " +
                                  "What every endpoint has in common (roles, problem types, Idempotency-Key, If-Match, rate limits): docs/api.md.",
                };
                return Task.CompletedTask;
            });
            OpenApiContract.Configure(openApi);
        });

        builder.Services.AddHealthChecks()
            .AddNpgSql(AppOptions.ConnectionString(builder.Configuration), name: "postgresql", tags: ["ready"])
            .AddCheck<NodeDrain>("serving", tags: ["ready"]);

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes);
    }

    public static void UseHttpApi(this WebApplication app)
    {
        app.UseConfiguredForwardedHeaders();
        // Outside the exception handler: the request log sees the status the client got, not the exception.
        app.Use(CorrelationId.Middleware);
        app.UseRequestLogging();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use(HeadRequests.Middleware);
        app.UseRouting();

        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.Use(RequestHygiene.Middleware);
        app.UseMiddleware<RequestBodyLimit>();
        app.UseMiddleware<RequestShape>();
        app.UseMiddleware<IdempotencyMiddleware>();

        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference("/docs", scalar => scalar
                .WithTitle("ClinicVetting API")
                .AddPreferredSecuritySchemes("bearer"))
            .AllowAnonymous();

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") })
            .AllowAnonymous();

        app.MapWolverineEndpoints(wolverine =>
        {
            wolverine.AddPolicy<CorrelationPolicy>();
            // '?page=abc' is a 400, not page 0.
            wolverine.RejectUnparseableQueryValues = true;
        });
    }
}
