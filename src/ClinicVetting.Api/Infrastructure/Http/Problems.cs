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

    public static Task Write(HttpContext http, ProblemDetails problem)
    {
        http.Response.StatusCode = problem.Status ?? 500;
        return http.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem })
            .AsTask();
    }
}
