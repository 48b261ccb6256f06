using System.Reflection;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using ClinicVetting.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ClinicVetting.Infrastructure.Http;

/// <summary>
/// What every operation of the OpenAPI document says, by convention rather than in each endpoint file: its summary and
/// description (the endpoint method's XML summary), a camelCase operationId, who may call it (the security requirement and
/// the roles of its authorization policy), the problems any endpoint can answer (400, 401, 403, 429, 500, 503), the rate-limit
/// headers of anonymous endpoints, and the limits the request-shape guard enforces on every string, array and whole number.
/// </summary>
public static class OpenApiContract
{
    public const string BearerScheme = "bearer";
    private const string ProblemJson = "application/problem+json";

    public static void Configure(OpenApiOptions openApi)
    {
        openApi.AddSchemaTransformer(TypeStrings);
        openApi.AddOperationTransformer(Describe);
        openApi.AddOperationTransformer(OpenApiExamples.Show);
        openApi.AddDocumentTransformer(Finish);
    }

    /// <summary>The custom string converter (NoNulStrings) hides strings from the schema generator: they would be `{}`.</summary>
    private static Task TypeStrings(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellation)
    {
        // Seen from the object that holds them: a property schema changed on its own is not the one the document keeps.
        foreach (var property in context.JsonTypeInfo.Properties)
        {
            if (schema.Properties?.TryGetValue(property.Name, out var candidate) != true || candidate is not OpenApiSchema { Type: null } typeless
                || typeless.AnyOf is { Count: > 0 } || typeless.OneOf is { Count: > 0 } || typeless.AllOf is { Count: > 0 })
            {
                continue;
            }

            var element = property.PropertyType == typeof(string) ? null : ElementTypeOf(property.PropertyType);
            if (property.PropertyType == typeof(string))
            {
                typeless.Type = property.IsGetNullable ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String;
            }
            else if (element == typeof(string))
            {
                typeless.Type = JsonSchemaType.Array | JsonSchemaType.Null;
                typeless.Items = new OpenApiSchema { Type = JsonSchemaType.String };
            }
        }

        StateFieldLimits(schema, context);

        if (schema.Type is { } array && array.HasFlag(JsonSchemaType.Array) && schema.Items is null && ElementTypeOf(context.JsonTypeInfo.Type) == typeof(string))
        {
            schema.Items = new OpenApiSchema { Type = JsonSchemaType.String };
        }

        return Task.CompletedTask;
    }

    /// <summary>Each member's own limit (<see cref="FieldLimitAttribute"/>), which the request-shape guard enforces.</summary>
    private static void StateFieldLimits(OpenApiSchema schema, OpenApiSchemaTransformerContext context)
    {
        foreach (var property in context.JsonTypeInfo.Properties)
        {
            if (FieldLimits.Of(property.AttributeProvider) is not { } limits
                || schema.Properties?.TryGetValue(property.Name, out var candidate) != true || candidate is not OpenApiSchema member)
            {
                continue;
            }

            if (limits.MaxLength is { } maxLength) member.MaxLength = maxLength;
            if (limits.MaxItems is { } maxItems) member.MaxItems = maxItems;
            if (limits.Minimum is { } minimum) member.Minimum = minimum.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (limits.Maximum is { } maximum) member.Maximum = maximum.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (limits.Format is { } format) member.Format = format;
            if (limits.EntryMaxLength is { } entryMaxLength)
            {
                // The list's own schema may not have its items yet (they are filled when the list type is visited).
                member.Items ??= new OpenApiSchema { Type = JsonSchemaType.String };
                if (member.Items is OpenApiSchema entry) entry.MaxLength = entryMaxLength;
            }
        }
    }

    private static Type? ElementTypeOf(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.GetInterfaces().Append(type).FirstOrDefault(x => x.IsGenericType && x.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];

    private static Task Describe(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellation)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var method = (context.Description.ActionDescriptor as ControllerActionDescriptor)?.MethodInfo;

        if (operation.OperationId is { Length: > 0 } id)
        {
            operation.OperationId = char.ToLowerInvariant(id[0]) + id[1..];
        }

        if (method is not null && XmlSummaries.Of(method) is { } summary)
        {
            var firstSentence = summary.Split(". ", 2)[0].TrimEnd('.');
            operation.Summary = firstSentence.Length <= 120 ? firstSentence : firstSentence[..117] + "...";
            operation.Description = summary;
        }
        else if (operation.Summary is { } routeName && routeName.Contains('_'))
        {
            // Wolverine's route name (POST_api_...) says nothing a path does not.
            operation.Summary = null;
            operation.Description = null;
        }

        // Text parameters come out untyped (`{}`) like text properties do.
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            if (parameter.Schema is OpenApiSchema { Type: null, Enum: null or { Count: 0 } } untyped
                && method?.GetParameters().FirstOrDefault(x => string.Equals(x.Name, parameter.Name, StringComparison.OrdinalIgnoreCase)) is { } declared
                && declared.ParameterType == typeof(string))
            {
                untyped.Type = JsonSchemaType.String;
            }
        }

        // An endpoint returning IResult gets a 200 of "IResult" besides the answers it declares: an answer it never gives.
        if (operation.Responses is { } answers && answers.Keys.Any(x => x.StartsWith('2') && x != "200")
            && context.Description.SupportedResponseTypes.Any(x => x.StatusCode == 200 && typeof(IResult).IsAssignableFrom(x.Type)))
        {
            answers.Remove("200");
        }

        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        var policy = metadata.OfType<IAuthorizeData>().Select(x => x.Policy).FirstOrDefault(x => x is not null);
        var roles = policy is not null && Policies.RolesOf.TryGetValue(policy, out var allowed) ? allowed : Roles.All;
        var responses = operation.Responses ??= new OpenApiResponses();

        if (anonymous)
        {
            operation.Security = [];
            AddDescription(operation, "Anonymous: anyone may call it, within the per-client rate limit.");
            responses.TryAdd("429", Problem("Too many requests from this client: `Retry-After` says when to come back.", retryAfter: true));
        }
        else
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }];
            operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            operation.Extensions["x-roles"] = new JsonNodeExtension(new JsonArray(roles.Select(x => (JsonNode)JsonValue.Create(x)!).ToArray()));
            AddDescription(operation, $"Roles: {string.Join(", ", roles)} (policy `{policy ?? "signed-in"}`).");
            responses.TryAdd("401", Problem("No valid bearer token."));
            responses.TryAdd("403", Problem($"The token's roles may not call this: `allowedRoles` lists those that may ({string.Join(", ", roles)})."));
        }

        responses.TryAdd("400", Problem("The request is not valid: `errors` names each field (a JSON path) with what to correct."));
        responses.TryAdd("500", Problem("A failure of ours, logged with the `traceId` of this answer; nothing was written."));
        responses.TryAdd("503", Problem("The database cannot be reached just now (`database-unavailable`): nothing was written; retry after `Retry-After` seconds.",
            retryAfter: true));
        foreach (var (status, response) in responses)
        {
            if (response is OpenApiResponse concrete)
            {
                if (status.StartsWith('4') || status.StartsWith('5'))
                {
                    UseProblemSchema(concrete, context.Document);
                }
                else
                {
                    DescribeRawBodies(concrete);
                }

                if (anonymous && (status.StartsWith('2') || status.StartsWith('4')))
                {
                    concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
                    concrete.Headers.TryAdd(RateLimits.LimitHeader, new OpenApiHeader
                    {
                        Description = "Requests this client may make per minute on this endpoint's budget.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = "1000000" },
                    });
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// A body that is not JSON (CSV, Atom, a stored PDF or image) is sent as it is: text is a string, a file is raw bytes
    /// of its media type (JSON Schema's contentMediaType), never base64 as the schema of a byte array would say. Raw bytes
    /// have no example: a JSON string cannot show them.
    /// </summary>
    private static void DescribeRawBodies(OpenApiResponse response)
    {
        foreach (var (mediaType, content) in response.Content ?? new Dictionary<string, OpenApiMediaType>())
        {
            if (mediaType.Contains("json", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            content.Schema = IsText(mediaType)
                ? new OpenApiSchema { Type = JsonSchemaType.String }
                : new OpenApiSchema { Type = JsonSchemaType.String, ContentMediaType = mediaType };
        }
    }

    /// <summary>A body of this media type is text a JSON string can show (CSV, Atom); otherwise raw bytes (a PDF, an image).</summary>
    internal static bool IsText(string mediaType) =>
        mediaType.StartsWith("text/", StringComparison.OrdinalIgnoreCase) || mediaType.EndsWith("+xml", StringComparison.OrdinalIgnoreCase);

    private static void AddDescription(OpenApiOperation operation, string text) =>
        operation.Description = string.IsNullOrEmpty(operation.Description) ? text : $"{operation.Description}\n\n{text}";

    private static OpenApiResponse Problem(string description, bool retryAfter = false)
    {
        var response = new OpenApiResponse { Description = description };
        if (retryAfter)
        {
            response.Headers = new Dictionary<string, IOpenApiHeader>
            {
                ["Retry-After"] = new OpenApiHeader
                {
                    Description = "Seconds to wait before the next request.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = "3600" },
                },
            };
        }

        return response;
    }

    private static void UseProblemSchema(OpenApiResponse response, OpenApiDocument? document)
    {
        response.Content ??= new Dictionary<string, OpenApiMediaType>();
        if (!response.Content.ContainsKey(ProblemJson))
        {
            response.Content.Clear();
            response.Content[ProblemJson] = new OpenApiMediaType { Schema = new OpenApiSchemaReference("ProblemDetails", document) };
        }
    }

    /// <summary>What the operations cannot say alone: the server, the scheme, the problem schema, and the limits of what requests carry.</summary>
    private static Task Finish(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellation)
    {
        foreach (var server in document.Servers ?? [])
        {
            server.Url = server.Url?.TrimEnd('/');
            server.Description = "The server this document was fetched from (local development with ./scripts/run, or production behind its TLS proxy)";
            server.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            server.Extensions["x-internal"] = new JsonNodeExtension(JsonValue.Create(false)!);
        }

        document.Tags = new HashSet<OpenApiTag>((document.Tags ?? new HashSet<OpenApiTag>()).Select(tag => new OpenApiTag
        {
            Name = tag.Name,
            Description = tag.Description ?? (tag.Name is not null && TagDescriptions.TryGetValue(tag.Name, out var description) ? description : null),
        }));

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A JWS signed with HS256 (or by the configured OpenID Connect authority), following RFC8725: the algorithm is fixed, " +
                          "issuer, audience and lifetime are checked. Its `role` claims (staff, approver, auditor, booking) say what it may call; " +
                          "`sub` names the person or system.",
        };

        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas.TryAdd("ProblemDetails", ProblemDetailsSchema());
        // The framework's own ProblemDetails component (from ProducesResponseType) lacks the members our problems add.
        if (document.Components.Schemas["ProblemDetails"] is OpenApiSchema { Properties: { } declared })
        {
            foreach (var (name, member) in ProblemDetailsSchema().Properties!)
            {
                declared.TryAdd(name, member);
            }
        }

        // Generated clients (Kiota) make `detail` their exception's message: otherwise a refusal reads "Exception of type ... was thrown".
        if (document.Components.Schemas["ProblemDetails"].Properties is { } problem && problem.TryGetValue("detail", out var found) && found is OpenApiSchema detail)
        {
            detail.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            detail.Extensions["x-ms-primary-error-message"] = new JsonNodeExtension(JsonValue.Create(true)!);
        }

        if (document.Components.Schemas.ContainsKey("IResult")
            && !(document.Paths ?? []).Values.SelectMany(x => (IEnumerable<OpenApiOperation>?)x.Operations?.Values ?? [])
                .SelectMany(x => (x.Responses ?? []).Values).SelectMany(x => x.Content?.Values ?? [])
                .Any(x => x.Schema is OpenApiSchemaReference { Reference.Id: "IResult" }))
        {
            document.Components.Schemas.Remove("IResult");
        }

        var requestSchemas = RequestSchemas(document);
        foreach (var (name, schema) in document.Components.Schemas)
        {
            Limit(schema, requestSchemas.Contains(name));
        }

        foreach (var operation in (document.Paths ?? []).Values.SelectMany(x => (IEnumerable<OpenApiOperation>?)x.Operations?.Values ?? []))
        {
            foreach (var parameter in operation.Parameters ?? [])
            {
                if (parameter is OpenApiParameter { Schema: { } schema } concrete)
                {
                    Limit(schema, inRequest: true, concrete.In == ParameterLocation.Query ? QueryValue.MaxLength : PathValueMaxLength);
                }
            }

            foreach (var media in operation.RequestBody?.Content?.Values ?? [])
            {
                if (media.Schema is { } schema) Limit(schema, inRequest: true);
            }

            foreach (var media in (operation.Responses ?? []).Values.SelectMany(x => x.Content?.Values ?? []))
            {
                if (media.Schema is { } schema) Limit(schema, inRequest: false);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Each capability's tag, as docs/api.md's sections name them.</summary>
    private static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["Clinics"] = "Register clinics, search them, read and replace a profile.",
        ["Claims"] = "What a clinic says about itself (licenses, accreditations, therapies, team, protocols, evaluation, aftercare, marketing), each an event on its stream.",
        ["Vetting"] = "Vetting cases, their nine checks, evidence, waivers, four-eyes decisions, red flags, suspensions and reinstatements, the work queue.",
        ["Reference data"] = "Versioned reference data: regulators per country, the vetting rules, the condition catalog.",
        ["Reviews"] = "Patient reviews from the booking system: submission, import, screening, moderation, fairness, statistics.",
        ["Ranking"] = "The ranking policy, proposals of editions and their approval, sponsored placements, efficiency facts.",
        ["Public ranking"] = "The published ranking for anyone: editions, lists per condition and country, an Atom feed.",
        ["Public"] = "What anyone may read without a token.",
        ["Audit"] = "The event log for auditors: browse events, a clinic's file as of any time, edition replays, what-if, integrity and seals.",
        ["Audit exports"] = "CSV downloads for auditors (RFC 4180, streamed): cases, decisions, editions, the fairness report, a range of the event log.",
        ["Notifications"] = "Notices e-mailed to clinics, signed webhooks to other systems, and the deliveries that failed for good.",
    };

    /// <summary>A path value longer than this is no id, code or name the API knows: a 404 (or 400) at once.</summary>
    private const int PathValueMaxLength = 100;

    /// <summary>
    /// Strings, arrays and whole numbers of what a client sends get the limits the request-shape guard enforces (JsonBodyShape,
    /// QueryValue); numbers are written as numbers (the server also reads quoted ones, the document does not invite them).
    /// </summary>
    private static void Limit(IOpenApiSchema candidate, bool inRequest, int maxStringLength = JsonBodyShape.MaxStringLength)
    {
        if (candidate is not OpenApiSchema schema)
        {
            return; // a reference: its component is limited once, as a component
        }

        if (schema.Type is { } type && type.HasFlag(JsonSchemaType.String) && (type.HasFlag(JsonSchemaType.Integer) || type.HasFlag(JsonSchemaType.Number)))
        {
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }

        if (inRequest && schema.Type is { } text && text.HasFlag(JsonSchemaType.String) && schema.MaxLength is null && schema.Enum is not { Count: > 0 } && schema.Const is null)
        {
            schema.MaxLength = schema.Format switch
            {
                "uuid" => 36,
                "date" => 10,
                "date-time" => 64,
                _ => maxStringLength,
            };
        }

        if (inRequest && schema.Type is { } integer && integer.HasFlag(JsonSchemaType.Integer))
        {
            var (min, max) = schema.Format == "int64" ? (long.MinValue.ToString(), long.MaxValue.ToString()) : (int.MinValue.ToString(), int.MaxValue.ToString());
            schema.Format ??= "int32";
            schema.Minimum ??= min;
            schema.Maximum ??= max;
        }

        if (inRequest && schema.Type is { } array && array.HasFlag(JsonSchemaType.Array))
        {
            schema.MaxItems ??= JsonBodyShape.MaxArrayItems;
            schema.Items ??= new OpenApiSchema { Type = JsonSchemaType.String };
        }

        foreach (var nested in (schema.Properties?.Values ?? []).Concat(schema.OneOf ?? []).Concat(schema.AnyOf ?? []).Concat(schema.AllOf ?? []))
        {
            Limit(nested, inRequest, maxStringLength);
        }

        if (schema.Items is { } items) Limit(items, inRequest, maxStringLength);
        if (schema.AdditionalProperties is { } values) Limit(values, inRequest, maxStringLength);
    }

    /// <summary>The components a request can carry (bodies and their parts): the only ones the guard's limits apply to.</summary>
    private static HashSet<string> RequestSchemas(OpenApiDocument document)
    {
        var found = new HashSet<string>();
        var pending = new Stack<IOpenApiSchema>((document.Paths ?? []).Values
            .SelectMany(x => (IEnumerable<OpenApiOperation>?)x.Operations?.Values ?? [])
            .SelectMany(x => x.RequestBody?.Content?.Values ?? [])
            .Select(x => x.Schema).OfType<IOpenApiSchema>());
        while (pending.TryPop(out var schema))
        {
            if (schema is OpenApiSchemaReference reference)
            {
                if (reference.Reference.Id is { } id && found.Add(id) && document.Components?.Schemas?.TryGetValue(id, out var target) == true)
                {
                    pending.Push(target);
                }

                continue;
            }

            foreach (var nested in (schema.Properties?.Values ?? []).Concat(schema.OneOf ?? []).Concat(schema.AnyOf ?? []).Concat(schema.AllOf ?? []))
            {
                pending.Push(nested);
            }

            if (schema.Items is { } items) pending.Push(items);
            if (schema.AdditionalProperties is { } values) pending.Push(values);
        }

        return found;
    }

    private static OpenApiSchema ProblemDetailsSchema() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "RFC 9457 problem details; docs/api.md explains each `type`.",
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, Format = "uri" },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer | JsonSchemaType.Null, Format = "int32" },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
            ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The W3C trace id of the request: quote it when you report a problem." },
            ["correlationId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The request's X-Correlation-ID (or its trace id)." },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "400 `validation`: each field (a JSON path such as `programs[2].cellType`, or a query parameter) with what to correct.",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
            ["allowedRoles"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Array,
                Description = "403 `forbidden`: the roles that may call this endpoint.",
                Items = new OpenApiSchema { Type = JsonSchemaType.String },
            },
            ["currentVersion"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Integer, Format = "int64", Description = "409 `conflict` of a stale `If-Match`: the version now current.",
            },
            ["reasons"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Array,
                Description = "422 `rule-violated`: every rule that refuses the command.",
                Items = new OpenApiSchema { Type = JsonSchemaType.String },
            },
        },
    };

    /// <summary>The XML summaries of the endpoint methods, from the documentation file the build writes beside the assembly.</summary>
    private static class XmlSummaries
    {
        private static readonly Lazy<Dictionary<string, string>> ByMember = new(Load);

        public static string? Of(MethodInfo method)
        {
            var prefix = $"M:{method.DeclaringType?.FullName?.Replace('+', '.')}.{method.Name}";
            return ByMember.Value.FirstOrDefault(x => x.Key == prefix || x.Key.StartsWith(prefix + "(", StringComparison.Ordinal)).Value;
        }

        private static Dictionary<string, string> Load()
        {
            var file = Path.ChangeExtension(typeof(OpenApiContract).Assembly.Location, ".xml");
            if (!File.Exists(file))
            {
                return [];
            }

            return XDocument.Load(file).Descendants("member")
                .Where(x => x.Attribute("name")?.Value.StartsWith("M:", StringComparison.Ordinal) == true && x.Element("summary") is not null)
                .GroupBy(x => x.Attribute("name")!.Value)
                .ToDictionary(x => x.Key, x => Flatten(x.First().Element("summary")!));
        }

        /// <summary>The summary's text, with `see cref` and `c` as code.</summary>
        private static string Flatten(XElement summary) => string.Join(" ", string.Concat(summary.Nodes().Select(node => node switch
        {
            XText text => text.Value,
            XElement { Name.LocalName: "c" } code => $"`{code.Value}`",
            XElement { Name.LocalName: "see" } see => $"`{(see.Attribute("cref")?.Value ?? see.Attribute("langword")?.Value ?? "").Split('.').Last()}`",
            XElement { Name.LocalName: "paramref" } param => $"`{param.Attribute("name")?.Value}`",
            XElement other => other.Value,
            _ => "",
        })).Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
    }
}
