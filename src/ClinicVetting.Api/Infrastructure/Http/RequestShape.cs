using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace ClinicVetting.Infrastructure.Http;

/// <summary>
/// One guard in front of every endpoint, before anything binds: the query values the endpoint declares are of their
/// type (an enum among its names, numbers, dates, ids; <c>page</c> and <c>pageSize</c> within <see cref="Paging"/>),
/// and a JSON body has the shape of the type it binds to (<see cref="JsonBodyShape"/>). Anything else is a 400 with
/// field errors that name the field and, for a vocabulary, its allowed values; the endpoint never sees it.
/// </summary>
public sealed class RequestShape(RequestDelegate next, IOptions<HttpJsonOptions> json)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<HttpChain>() is not { } chain)
        {
            await next(http);
            return;
        }

        var errors = QueryErrors(http.Request.Query, chain);
        if (errors.Any)
        {
            await Problems.Write(http, errors.ToProblem());
            return;
        }

        if (chain is { HasRequestType: true, RequestType: { } bodyType } && bodyType != typeof(void) && !HttpMethods.IsGet(http.Request.Method)
            && IsJson(http.Request.ContentType))
        {
            var refusal = await BodyRefusal(http.Request, bodyType);
            if (refusal is not null)
            {
                await Problems.Write(http, refusal);
                return;
            }
        }

        await next(http);
    }

    /// <summary>Wolverine reads these content types as JSON (none at all included), so they are the ones checked here.</summary>
    private static bool IsJson(string? contentType) =>
        string.IsNullOrEmpty(contentType) || contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
                                          || contentType.StartsWith("text/json", StringComparison.OrdinalIgnoreCase)
                                          || contentType.Contains("*/*") || contentType.Contains("+json", StringComparison.OrdinalIgnoreCase);

    private async Task<Microsoft.AspNetCore.Mvc.ProblemDetails?> BodyRefusal(HttpRequest request, Type bodyType)
    {
        // Bodies here are at most the request limit (1 MiB by default): they are parsed once to check, once to bind.
        request.EnableBuffering();
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
        }
        catch (JsonException e)
        {
            var empty = e.BytePositionInLine == 0 && e.LineNumber == 0 && request.Body.Position == 0;
            return empty
                ? Problems.Validation(new Dictionary<string, string[]> { [JsonBodyShape.Root] = ["the body is empty: send a JSON object"] })
                : Problems.Create(400, "The body is not valid JSON", e.Message.Split(" Path:")[0]);
        }

        using (document)
        {
            var errors = JsonBodyShape.Check(document.RootElement, bodyType, json.Value.SerializerOptions);
            request.Body.Position = 0;
            return errors.Any ? Problems.Validation(errors.ToDictionary()) : null;
        }
    }

    private static FieldErrors QueryErrors(IQueryCollection query, HttpChain chain)
    {
        var errors = new FieldErrors();
        if (query.Count == 0)
        {
            return errors;
        }

        foreach (var (name, type) in QueryParameters.GetOrAdd(chain, QueryParametersOf))
        {
            if (!query.TryGetValue(name, out var values))
            {
                continue;
            }

            if (values.Count > 1)
            {
                errors.Add(name, "must be given once");
            }
            else if (!string.IsNullOrEmpty(values[0]) && (Paging.Problem(name, values[0]!) ?? QueryValue.Problem(type, values[0]!)) is { } problem)
            {
                errors.Add(name, problem);
            }
        }

        return errors;
    }

    private static readonly ConcurrentDictionary<HttpChain, (string Name, Type Type)[]> QueryParameters = new();

    /// <summary>The endpoint's parameters Wolverine binds from the query string: simple types that are not route values.</summary>
    private static (string Name, Type Type)[] QueryParametersOf(HttpChain chain)
    {
        var route = chain.RoutePattern?.Parameters.Select(x => x.Name).ToHashSet(StringComparer.OrdinalIgnoreCase) ?? [];
        return chain.Method.Method.GetParameters()
            .Where(x => x.Name is not null && !route.Contains(x.Name))
            .Select(x => (Name: x.Name!, Type: Nullable.GetUnderlyingType(x.ParameterType) ?? x.ParameterType))
            .Where(x => QueryValue.IsChecked(x.Type))
            .ToArray();
    }
}

/// <summary>How a query string value of a given type reads, as Wolverine binds it (invariant culture; enums by name, never a number).</summary>
internal static class QueryValue
{
    /// <summary>No query value of text is longer; the OpenAPI document states it as maxLength.</summary>
    public const int MaxLength = 1_000;

    /// <summary>The simple types Wolverine parses from the query string, and text (checked for its length).</summary>
    public static bool IsChecked(Type type) =>
        type == typeof(string) || type.IsEnum || type.IsPrimitive || type == typeof(decimal) || type == typeof(Guid)
        || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(DateOnly);

    public static string? Problem(Type type, string value)
    {
        var invariant = CultureInfo.InvariantCulture;
        if (type == typeof(string)) return value.Length <= MaxLength ? null : $"must be at most {MaxLength} characters";
        if (type.IsEnum) return JsonBodyShape.IsName(type, value) ? null : JsonBodyShape.OneOf(type);
        if (type == typeof(bool)) return bool.TryParse(value, out _) ? null : "must be true or false";
        if (type == typeof(int)) return int.TryParse(value, invariant, out _) ? null : $"must be a whole number from {int.MinValue} to {int.MaxValue}";
        if (type == typeof(long)) return long.TryParse(value, invariant, out _) ? null : $"must be a whole number from {long.MinValue} to {long.MaxValue}";
        if (type == typeof(decimal) || type == typeof(double)) return decimal.TryParse(value, invariant, out _) ? null : "must be a number";
        if (type == typeof(Guid)) return Guid.TryParse(value, invariant, out _) ? null : "must be a UUID";
        if (type == typeof(DateTimeOffset) || type == typeof(DateTime))
            return DateTimeOffset.TryParse(value, invariant, out _) ? null : "must be a date and time in ISO 8601, for example 2025-01-31T09:30:00Z";
        if (type == typeof(DateOnly)) return DateOnly.TryParse(value, invariant, out _) ? null : "must be a date as yyyy-MM-dd";
        return null;
    }
}
