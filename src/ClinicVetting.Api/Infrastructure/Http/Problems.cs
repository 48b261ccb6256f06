namespace ClinicVetting.Infrastructure.Http;

public static class Problems
{
    public const string TypeBase = "https://clinicvetting.example/problems/";

    public static ValidationProblemDetails Validation(IDictionary<string, string[]> errors) => new(errors)
    {
        Type = TypeBase + "validation",
        Title = "The request is not valid",
        Status = StatusCodes.Status400BadRequest,
        Detail = "See errors for what to correct.",
    };

    public static ProblemDetails Create(int status, string title, string? detail = null, string? type = null) => new()
    {
        Type = type is null ? TypeFor(status) : TypeBase + type,
        Title = title,
        Status = status,
        Detail = detail,
    };

    /// <summary>The problem type of a status when nothing more specific applies; docs/api.md explains each.</summary>
    public static string TypeFor(int status) => TypeBase + status switch
    {
        400 => "bad-request",
        401 => "unauthenticated",
        403 => "forbidden",
        404 => "not-found",
        405 => "method-not-allowed",
        409 => "conflict",
        413 => "payload-too-large",
        415 => "unsupported-media-type",
        422 => "rule-violated",
        429 => "too-many-requests",
        499 => "client-closed-request",
        _ => "error",
    };

    /// <summary>
    /// What a 404 without words of its own did not find: the resource its route names by its last value ("No clinic with id
    /// '0195...'."), or, where no route matches, the address itself.
    /// </summary>
    public static string NotFoundDetail(HttpContext http)
    {
        if (http.GetEndpoint() is RouteEndpoint { RoutePattern: var pattern })
        {
            for (var i = pattern.PathSegments.Count - 1; i > 0; i--)
            {
                if (pattern.PathSegments[i].Parts is [Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart parameter]
                    && pattern.PathSegments[i - 1].Parts is [Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart collection])
                {
                    return NotFoundDetail(collection.Content, http.GetRouteValue(parameter.Name));
                }
            }
        }

        return $"Nothing at {http.Request.Method} {http.Request.Path}: the API's routes are listed in /openapi/v1.json.";
    }

    public static string NotFoundDetail(string collection, object? id) => $"No {NounOf(collection)} with id '{id}'.";

    /// <summary>What one of a route's collection is called: "cases" holds vetting cases.</summary>
    public static string NounOf(string collection) => collection switch
    {
        "cases" => "vetting case",
        "proposals" => "ranking proposal",
        "reverifications" => "log reverification",
        "webhooks" => "webhook subscriber",
        "deliveries" => "webhook delivery",
        "regulators" => "regulator for the country",
        _ => collection.EndsWith("ies", StringComparison.Ordinal) ? collection[..^3] + "y" : collection.TrimEnd('s').Replace('-', ' '),
    };

    public static Task Write(HttpContext http, ProblemDetails problem)
    {
        http.Response.StatusCode = problem.Status ?? 500;
        return http.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem })
            .AsTask();
    }
}
