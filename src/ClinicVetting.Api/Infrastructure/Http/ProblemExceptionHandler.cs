using JasperFx;
using JasperFx.Events;
using Marten.Exceptions;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace ClinicVetting.Infrastructure.Http;

/// <summary>Every failure leaves as problem details: refused decisions keep their status, surprises are a bare 500.</summary>
internal sealed class ProblemExceptionHandler(ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellation)
    {
        var problem = ToProblem(exception);
        if (problem.Status >= 500)
        {
            logger.LogError(exception, "Unhandled failure on {Method} {Path} (trace {TraceId})", http.Request.Method, http.Request.Path,
                System.Diagnostics.Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier);
        }

        if (http.Response.HasStarted)
        {
            return false;
        }

        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            http.Response.Headers.RetryAfter = DatabaseUnavailable.RetryAfterSeconds.ToString();
        }

        await Problems.Write(http, problem);
        return true;
    }

    internal static ProblemDetails ToProblem(Exception exception) => Unwrap(exception) switch
    {
        RuleViolation e => WithExtensions(Problems.Create(422, e.Title, e.Message), e),
        InvalidFields e => Problems.Validation(e.Errors),
        InvalidRequest e => WithExtensions(Problems.Create(400, e.Title, e.Message), e),
        Forbidden e => WithExtensions(Problems.Create(403, e.Title, e.Message), e),
        DomainException e and NotFound => WithExtensions(Problems.Create(404, e.Title, e.Message), e),
        DomainException e => WithExtensions(Problems.Create(409, e.Title, e.Message), e),
        ConcurrencyException or DocumentAlreadyExistsException or JasperFx.Events.ExistingStreamIdCollisionException
            or Marten.Exceptions.ExistingStreamIdCollisionException => Problems.Create(409,
            "The resource changed meanwhile",
            "Someone else changed it first: read it again and retry with its current version."),
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } => Problems.Create(409,
            "Conflict", "This would duplicate something that already exists."),
        BadHttpRequestException e => Problems.Create(e.StatusCode,
            e.StatusCode == 413 ? "The request body is too large" : "Bad request", e.Message),
        OperationCanceledException when DatabaseUnavailable.IsCause(exception) => DatabaseUnavailable.Problem,
        OperationCanceledException => Problems.Create(499, "The request was cancelled"),
        _ when DatabaseUnavailable.IsCause(exception) => DatabaseUnavailable.Problem,
        _ => Problems.Create(500, "Something went wrong on our side",
            "The failure is logged with this request's trace id; nothing was written."),
    };

    internal static Exception Unwrap(Exception exception) => exception switch
    {
        MartenCommandException { InnerException: { } inner } => Unwrap(inner),
        AggregateException { InnerExceptions.Count: 1 } aggregate => Unwrap(aggregate.InnerExceptions[0]),
        _ => exception,
    };

    private static ProblemDetails WithExtensions(ProblemDetails problem, DomainException exception)
    {
        foreach (var (key, value) in exception.Extensions)
        {
            problem.Extensions[key] = value;
        }

        return problem;
    }
}
