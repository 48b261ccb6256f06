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
        Type = TypeBase + (type ?? status switch
        {
            400 => "bad-request",
            401 => "unauthenticated",
            403 => "forbidden",
            404 => "not-found",
            409 => "conflict",
            413 => "payload-too-large",
            422 => "rule-violated",
            429 => "too-many-requests",
            _ => "error",
        }),
        Title = title,
        Status = status,
        Detail = detail,
    };

    public static Task Write(HttpContext http, ProblemDetails problem)
    {
        http.Response.StatusCode = problem.Status ?? 500;
        return http.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem })
            .AsTask();
    }
}
