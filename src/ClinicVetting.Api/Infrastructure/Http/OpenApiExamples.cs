using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace ClinicVetting.Infrastructure.Http;

/// <summary>
/// Every body of the OpenAPI document shows an example, by convention: a JSON body the example of its type
/// (<see cref="Examples"/>), a text body of another kind (CSV, Atom) the <c>ExampleAnswer</c> its endpoint class declares (a file's raw bytes
/// have none), and
/// every problem answer a problem of its status as this operation would write it.
/// </summary>
public static class OpenApiExamples
{
    /// <summary>The static string an endpoint class declares as the example of an answer that is not JSON.</summary>
    public const string ExampleAnswerMember = "ExampleAnswer";

    public static Task Show(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellation)
    {
        var json = context.ApplicationServices.GetRequiredService<IOptions<HttpJsonOptions>>().Value.SerializerOptions;
        var description = context.Description;
        var method = (description.ActionDescriptor as ControllerActionDescriptor)?.MethodInfo;
        var declaredAnswer = method?.DeclaringType?.GetField(ExampleAnswerMember, BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as string
                             ?? method?.DeclaringType?.GetProperty(ExampleAnswerMember, BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as string;

        JsonNode? requestExample = null;
        if (description.ParameterDescriptions.FirstOrDefault(x => x.Source == BindingSource.Body)?.Type is { } bodyType)
        {
            requestExample = Examples.Of(bodyType, json);
            foreach (var (contentType, media) in operation.RequestBody?.Content ?? new Dictionary<string, OpenApiMediaType>())
            {
                if (media.Example is null && media.Examples is not { Count: > 0 } && IsJson(contentType))
                {
                    media.Example = requestExample?.DeepClone();
                }
            }
        }

        foreach (var (status, response) in operation.Responses ?? [])
        {
            foreach (var (contentType, media) in response.Content ?? new Dictionary<string, OpenApiMediaType>())
            {
                if (media.Example is not null || media.Examples is { Count: > 0 })
                {
                    continue;
                }

                if (contentType == "application/problem+json")
                {
                    media.Example = Problem(status, context, operation, requestExample);
                }
                else if (status.StartsWith('2') && IsJson(contentType)
                         && description.SupportedResponseTypes.FirstOrDefault(x => x.StatusCode.ToString() == status)?.Type is { } type && type != typeof(void))
                {
                    media.Example = Examples.Of(type, json);
                }
                else if (status.StartsWith('2') && declaredAnswer is not null && OpenApiContract.IsText(contentType))
                {
                    media.Example = JsonValue.Create(declaredAnswer);
                }
            }
        }

        return Task.CompletedTask;
    }

    private static bool IsJson(string contentType) =>
        contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) || contentType.Contains("+json", StringComparison.OrdinalIgnoreCase);

    /// <summary>A problem of this status as the operation answers it: its type, a detail in the domain's words, and the members the status adds.</summary>
    private static JsonObject Problem(string status, OpenApiOperationTransformerContext context, OpenApiOperation operation, JsonNode? requestExample)
    {
        var code = int.TryParse(status, out var parsed) ? parsed : 500;
        var instance = Instance(context.Description.RelativePath ?? "");
        var (title, detail) = code switch
        {
            400 => ("The request is not valid", "See errors for what to correct."),
            401 => ("Unauthorized", "A bearer token is required: send one in the Authorization header."),
            403 => ("Forbidden", "Your role may not do this."),
            404 => ("Not found", NotFound(context.Description.RelativePath ?? "")),
            409 => ("Conflict", "The resource changed since you read it (version 3 is current): read it again and retry."),
            413 => ("Payload too large", "The body is over this endpoint's limit."),
            415 => ("Unsupported media type", "Send the body as application/json."),
            422 => ("A rule refused it", "The rules refuse this command: see reasons."),
            429 => ("Too many requests", "Too many requests from this client: retry after 12 seconds."),
            503 => ("The database is unavailable", "PostgreSQL cannot be reached just now, so nothing was written: retry in 5 s (with the same Idempotency-Key for a write)."),
            _ => ("An unexpected error occurred", "Quote the traceId when you report it; nothing was written."),
        };

        var problem = new JsonObject
        {
            ["type"] = code switch
            {
                400 => Problems.TypeBase + "validation",
                503 => DatabaseUnavailable.Problem.Type,
                _ => Problems.TypeFor(code),
            },
            ["title"] = title,
            ["status"] = code,
            ["detail"] = detail,
            ["instance"] = instance,
        };

        switch (code)
        {
            case 400:
                problem["errors"] = new JsonObject { [FirstField(requestExample, operation)] = new JsonArray("is required") };
                break;
            case 403:
                problem["allowedRoles"] = operation.Extensions?.TryGetValue("x-roles", out var roles) == true && roles is JsonNodeExtension { Node: { } list }
                    ? list.DeepClone()
                    : new JsonArray("staff", "approver");
                break;
            case 409:
                problem["currentVersion"] = 3;
                break;
            case 422:
                problem["reasons"] = new JsonArray("Check 'license' has no passing evidence from a primary source");
                break;
        }

        problem["traceId"] = "4bf92f3577b34da6a3ce929d0e0e4736";
        problem["correlationId"] = "4bf92f3577b34da6a3ce929d0e0e4736";
        return problem;
    }

    /// <summary>The field a 400 example names: the body's first member, else the first query parameter, else the body itself.</summary>
    private static string FirstField(JsonNode? requestExample, OpenApiOperation operation) =>
        requestExample is JsonObject body && body.Count > 0 ? body.First().Key
        : operation.Parameters?.FirstOrDefault(x => x.In == ParameterLocation.Query)?.Name ?? JsonBodyShape.Root;

    /// <summary>"No vetting case with id '0195...'." from the path's last id: what a 404 of this operation says was not found.</summary>
    private static string NotFound(string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var last = Array.FindLastIndex(segments, x => x.StartsWith('{'));
        if (last < 1)
        {
            return "No such resource.";
        }

        return Problems.NotFoundDetail(segments[last - 1], PathValue(segments[last]));
    }

    private static string Instance(string path) =>
        "/" + string.Join('/', path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(x => x.StartsWith('{') ? PathValue(x) : x));

    private static string PathValue(string segment) => segment.Trim('{', '}').Split(':')[0] switch
    {
        "check" => "license",
        "country" => "TH",
        "sha256" => "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "number" or "edition" => "7",
        "caseId" => ExampleWords.CaseId.ToString(),
        "proposalId" => ExampleWords.ProposalId.ToString(),
        _ => ExampleWords.ClinicId.ToString(),
    };
}
