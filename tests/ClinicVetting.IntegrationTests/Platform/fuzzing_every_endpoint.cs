using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using ClinicVetting.Infrastructure.Auth;
using ClinicVetting.IntegrationTests.Ranking;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.IntegrationTests.Vetting;
using Marten;

namespace ClinicVetting.IntegrationTests.Platform;

/// <summary>
/// Thousands of malformed, oversized, wrongly typed and hostile requests, built from the OpenAPI document so every endpoint
/// gets them, sent with every role at once so authorization lets them through, at ids that exist so they reach binding.
/// None may answer 5xx, every refusal is problem details, and none refused may have written an event.
/// </summary>
public class fuzzing_every_endpoint(AppFixture fixture) : IntegrationContext(fixture)
{
    private const int RequestsPerOperation = 40;

    private sealed record Operation(string Method, string Route, IReadOnlyList<string> QueryParameters, JsonNode? BodySchema);

    /// <summary>Ids that exist, so requests get past "not found" to the body.</summary>
    private sealed record World(Guid ClinicId, Guid CaseId, Guid ClaimId, Guid FlagId, Guid ReviewId, Guid ProposalId);

    private async Task<World> AWorld()
    {
        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today);
        var caseId = await Host.OpenCase(Staff, clinicId);
        var claims = (await Host.Send(Staff, s => s.Get.Url($"/api/clinics/{clinicId}/claims"))).ReadAsJson<ClinicVetting.Clinics.Claims.ClinicClaims>()!;
        var flag = (await Host.PostJson(Staff, $"/api/clinics/{clinicId}/red-flags",
            new ClinicVetting.Vetting.RedFlagInput(ClinicVetting.Vetting.RedFlagCategory.Testimonials, "Testimonials"))).ReadAsJson<ClinicVetting.Vetting.RedFlagOnFile>()!;
        var review = (await Host.PostJson(Booking, "/api/reviews", new ClinicVetting.Reviews.ReviewSubmission("fuzz-review", "BK-FUZZ", clinicId, 4,
            "A review the fuzzer moderates: kind staff, clear plan.", "Knee", Fixture.Clock.Today.AddDays(-30), Fixture.Clock.Now.AddDays(-2), true), 201))
            .ReadAsJson<ClinicVetting.Reviews.ReviewReceipt>()!;
        var proposal = await Host.Propose(Staff);
        return new World(clinicId, caseId, claims.Therapies.Single().ClaimId, flag.FlagId, review.Id, proposal.Id);
    }

    private static string RealUrl(string route, World world) => route
        .Replace("{clinicId}", world.ClinicId.ToString()).Replace("{caseId}", world.CaseId.ToString())
        .Replace("{claimId}", world.ClaimId.ToString()).Replace("{flagId}", world.FlagId.ToString())
        .Replace("{reviewId}", world.ReviewId.ToString()).Replace("{proposalId}", world.ProposalId.ToString())
        .Replace("{check}", "medical-team").Replace("{country}", "MX").Replace("{edition}", "1");

    /// <summary>
    /// Every write operation of the OpenAPI document, at ids that exist, with a JSON content type and a valid token: the whole
    /// body null, an array, a string, a number, a boolean; then a body of the right shape with each property in turn null or
    /// of another type. A body that is not an object is a 400, each answer below 500 and every refusal problem details.
    /// </summary>
    [Fact]
    public async Task every_write_operation_refuses_bodies_and_values_of_the_wrong_shape_with_problem_details()
    {
        var everyone = Fixture.TokenFor("fuzzer", Roles.All);
        var world = await AWorld();
        var writes = (await Operations()).Where(x => x.Method != "GET" && x.BodySchema is not null).ToList();
        writes.Count.ShouldBeGreaterThan(30);

        var failures = new List<string>();
        var refused = new List<string>();
        var sent = 0;
        async Task Send(Operation operation, string body, int? expected = null)
        {
            var correlation = $"shape-{Guid.NewGuid():N}";
            var url = RealUrl(operation.Route, world);
            var result = await Host.Scenario(s =>
            {
                s.WithRequestHeader("Authorization", $"Bearer {everyone}");
                s.WithRequestHeader("X-Correlation-ID", correlation);
                s.ByteArray(Encoding.UTF8.GetBytes(body)).ToUrl(url);
                s.ConfigureHttpContext(http =>
                {
                    http.Request.Method = operation.Method;
                    http.Request.ContentType = "application/json";
                });
                s.IgnoreStatusCode();
            });
            sent++;
            var status = result.Context.Response.StatusCode;
            var what = $"{operation.Method} {operation.Route} {Shorten(body)} -> {status}";
            if (status >= 500 || expected is { } wanted && status != wanted)
            {
                failures.Add($"{what}: {Shorten(result.ReadAsText())}");
            }
            else if (status >= 400)
            {
                refused.Add(correlation);
                if (result.Context.Response.ContentType?.StartsWith("application/problem+json") != true || !IsProblem(result.ReadAsText(), status))
                {
                    failures.Add($"{what} without problem details: {Shorten(result.ReadAsText())}");
                }
            }
        }

        foreach (var operation in writes)
        {
            var takesArray = TypeOf(operation.BodySchema) == "array";
            foreach (var body in new[] { "null", "[]", "[{}]", "\"text\"", "42", "-0.5", "true", "false", "{}" })
            {
                var notTheShape = takesArray ? body is not ("[]" or "[{}]") : body is not "{}";
                await Send(operation, body, notTheShape ? 400 : null);
            }

            if (takesArray)
            {
                continue;
            }

            var valid = Valid(operation.BodySchema, world, 0).AsObject();
            foreach (var (path, schema) in Properties(operation.BodySchema, ""))
            {
                foreach (var wrong in WrongValuesFor(schema))
                {
                    var body = valid.DeepClone().AsObject();
                    Set(body, path, wrong);
                    await Send(operation, body.ToJsonString());
                }
            }
        }

        await using (var session = Store.QuerySession())
        {
            var written = await session.Events.QueryAllRawEvents().Where(x => refused.Contains(x.CorrelationId!)).Select(x => x.CorrelationId!).ToListAsync();
            failures.AddRange(written.Distinct().Select(x => $"a refused request ({x}) wrote events"));
        }

        sent.ShouldBeGreaterThan(500);
        failures.ShouldBeEmpty();
    }

    private static string Shorten(string text) => text.Length > 200 ? text[..200] + "…" : text;

    private static bool IsProblem(string body, int status)
    {
        try
        {
            var problem = JsonNode.Parse(body);
            return (int?)problem?["status"] == status && !string.IsNullOrWhiteSpace((string?)problem?["title"]);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Each property of an object schema, and of the objects within it, with its path ("a", "a.b").</summary>
    private static IEnumerable<(string Path, JsonNode? Schema)> Properties(JsonNode? schema, string prefix, int depth = 0)
    {
        if (depth > 2 || schema?["properties"]?.AsObject() is not { } properties)
        {
            yield break;
        }

        foreach (var (name, property) in properties)
        {
            var path = prefix.Length == 0 ? name : $"{prefix}.{name}";
            yield return (path, property);
            foreach (var inner in Properties(property, path, depth + 1))
            {
                yield return inner;
            }
        }
    }

    private static void Set(JsonObject body, string path, JsonNode? value)
    {
        var names = path.Split('.');
        var target = body;
        foreach (var name in names[..^1])
        {
            if (target[name] is not JsonObject inner) return;
            target = inner;
        }

        target[names[^1]] = value;
    }

    /// <summary>Null, and values of every other JSON type than the schema's.</summary>
    private static IEnumerable<JsonNode?> WrongValuesFor(JsonNode? schema)
    {
        yield return null;
        var type = TypeOf(schema);
        if (type != "string") yield return JsonValue.Create("text");
        if (type is not ("integer" or "number")) yield return JsonValue.Create(7);
        if (type != "boolean") yield return JsonValue.Create(true);
        if (type != "array") yield return new JsonArray(JsonValue.Create(1));
        if (type != "object" && schema?["properties"] is null) yield return new JsonObject { ["x"] = 1 };
        if (schema?["enum"] is not null) yield return JsonValue.Create("not-one-of-them");
    }

    /// <summary>A body of the schema's shape with plausible values (ids that exist, dates, the first enum value).</summary>
    private static JsonNode Valid(JsonNode? schema, World world, int depth)
    {
        if (schema?["enum"] is JsonArray values && values.Count > 0)
        {
            return values[0]!.DeepClone();
        }

        if (schema?["properties"]?.AsObject() is { } properties && depth < 6)
        {
            var body = new JsonObject();
            foreach (var (name, property) in properties)
            {
                body[name] = Valid(property, world, depth + 1);
            }

            return body;
        }

        return TypeOf(schema) switch
        {
            "array" => new JsonArray(Valid(schema!["items"], world, depth + 1)),
            "integer" or "number" => JsonValue.Create(1),
            "boolean" => JsonValue.Create(false),
            _ => (string?)schema?["format"] switch
            {
                "date" => JsonValue.Create("2026-01-15"),
                "date-time" => JsonValue.Create("2026-01-15T09:30:00Z"),
                "uuid" => JsonValue.Create(world.ClinicId.ToString()),
                _ => JsonValue.Create("fuzz text"),
            },
        };
    }

    [Theory]
    [InlineData(20261124)]
    [InlineData(7)]
    [InlineData(101)]
    public async Task no_input_makes_the_api_fail_or_write_half(int seed)
    {
        var random = new Random(seed);
        var everyone = Fixture.TokenFor("fuzzer", Roles.All);
        var world = await AWorld();
        var operations = await Operations();
        operations.Count.ShouldBeGreaterThan(40);

        var failures = new List<string>();
        foreach (var operation in operations)
        {
            for (var i = 0; i < RequestsPerOperation; i++)
            {
                var url = Url(operation, random, world);
                var result = await Host.Scenario(s =>
                {
                    s.WithRequestHeader("Authorization", $"Bearer {everyone}");
                    s.WithRequestHeader("X-Correlation-ID", $"fuzz-{seed}-{Guid.NewGuid():N}");
                    Hostile(s, random);
                    if (operation.Method == "GET")
                    {
                        s.Get.Url(url);
                    }
                    else
                    {
                        var (body, contentType) = Body(operation.BodySchema, random);
                        s.ByteArray(body).ToUrl(url);
                        s.ConfigureHttpContext(http =>
                        {
                            http.Request.Method = operation.Method;
                            http.Request.ContentType = contentType;
                        });
                    }

                    s.IgnoreStatusCode();
                });

                var status = result.Context.Response.StatusCode;
                if (status >= 500)
                {
                    failures.Add($"{operation.Method} {url} -> {status}: {result.ReadAsText()[..Math.Min(300, result.ReadAsText().Length)]}");
                }
                else if (status >= 400 && (result.Context.Response.ContentType?.StartsWith("application/problem+json") != true || !IsProblem(result.ReadAsText(), status)))
                {
                    failures.Add($"{operation.Method} {url} -> {status} without problem details: {Shorten(result.ReadAsText())}");
                }
                else if (status >= 400 && await EventsOf(result.Context.Response.Headers["X-Correlation-ID"].ToString()) > 0)
                {
                    failures.Add($"{operation.Method} {url} -> {status} but wrote events");
                }
            }
        }

        failures.ShouldBeEmpty();
    }

    /// <summary>Events of one request: its correlation id is on each (and on anything its messages wrote later).</summary>
    private async Task<int> EventsOf(string correlationId)
    {
        await using var session = Store.QuerySession();
        return await session.Events.QueryAllRawEvents().Where(x => x.CorrelationId == correlationId).CountAsync();
    }

    private async Task<IReadOnlyList<Operation>> Operations()
    {
        var document = JsonNode.Parse((await Call(null, s => s.Get.Url("/openapi/v1.json"))).ReadAsText())!;
        var operations = new List<Operation>();
        foreach (var (route, path) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in path!.AsObject())
            {
                var query = (operation!["parameters"]?.AsArray() ?? []).Where(p => (string?)p!["in"] == "query").Select(p => (string)p!["name"]!).ToList();
                var schema = operation["requestBody"]?["content"]?["application/json"]?["schema"];
                operations.Add(new Operation(method.ToUpperInvariant(), route, query, Resolve(document, schema)));
            }
        }

        return operations;
    }

    private static JsonNode? Resolve(JsonNode document, JsonNode? schema, int depth = 0)
    {
        if (schema?["$ref"] is { } reference && depth < 5)
        {
            var name = ((string)reference!).Split('/').Last();
            return Resolve(document, document["components"]!["schemas"]![name], depth + 1);
        }

        return schema;
    }

    /// <summary>Mostly ids that exist, so most requests reach binding; now and then one that does not or cannot.</summary>
    private static string Url(Operation operation, Random random, World world)
    {
        string Pick(string real, params string[] others) => random.Next(4) > 0 ? real : others[random.Next(others.Length)];
        var path = operation.Route
            .Replace("{clinicId}", Pick(world.ClinicId.ToString(), Guid.NewGuid().ToString(), "not-a-guid", "00000000-0000-0000-0000-000000000000"))
            .Replace("{caseId}", Pick(world.CaseId.ToString(), Guid.NewGuid().ToString(), "x"))
            .Replace("{reviewId}", Pick(world.ReviewId.ToString(), Guid.NewGuid().ToString(), "%20x"))
            .Replace("{proposalId}", Pick(world.ProposalId.ToString(), Guid.NewGuid().ToString()))
            .Replace("{claimId}", Pick(world.ClaimId.ToString(), Guid.NewGuid().ToString()))
            .Replace("{flagId}", Pick(world.FlagId.ToString(), Guid.NewGuid().ToString()))
            .Replace("{check}", Pick("medical-team", "license", "LICENSE", "../../etc/passwd", "%20", new string('c', 300)))
            .Replace("{country}", Pick("MX", "mx", "ZZ", "Mexico", "", "%F0%9F%92%A5"))
            .Replace("{edition}", Pick("1", "0", "-1", "2147483648", "abc"));

        if (operation.QueryParameters.Count == 0 || random.Next(3) == 0)
        {
            return path;
        }

        var query = operation.QueryParameters.Where(_ => random.Next(2) == 0)
            .Select(name => $"{name}={Uri.EscapeDataString(HostileText(random))}");
        return $"{path}?{string.Join("&", query)}";
    }

    private static string HostileText(Random random) => random.Next(12) switch
    {
        0 => "",
        1 => "-1",
        2 => "99999999999999999999",
        3 => "abc",
        4 => "2030-13-45T99:99:99Z",
        5 => new string('x', 5000),
        6 => "<script>alert(1)</script>",
        7 => "' or 1=1; drop table mt_events; --",
        8 => "\u0000\u0001\u0002",
        9 => Guid.NewGuid().ToString(),
        10 => "true",
        _ => "💥🦠",
    };

    /// <summary>Now and then a hostile header (most requests go without, so they reach the body).</summary>
    private static void Hostile(Scenario scenario, Random random)
    {
        switch (random.Next(16))
        {
            case 0: scenario.WithRequestHeader("If-Match", HostileText(random).Replace("\u0000", "")); break;
            case 1: scenario.WithRequestHeader("Idempotency-Key", random.Next(2) == 0 ? new string('k', 400) : "key with spaces"); break;
            case 2: scenario.WithRequestHeader("X-Correlation-ID", new string('c', 500)); break;
            case 3: scenario.WithRequestHeader("If-None-Match", "*"); break;
        }
    }

    private static (byte[] Body, string ContentType) Body(JsonNode? schema, Random random)
    {
        var contentType = random.Next(20) switch
        {
            0 => "text/plain",
            1 => "application/x-www-form-urlencoded",
            2 => "application/json; charset=utf-16",
            _ => "application/json",
        };

        return (random.Next(20) switch
        {
            0 => [],
            1 => [0xC3, 0x28, 0xFF, 0xFE, 0x00],
            2 => Encoding.UTF8.GetBytes("{\"name\": \"trunc"),
            3 => Encoding.UTF8.GetBytes(new string('[', 2000) + new string(']', 2000)),
            4 => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new string('z', 2_000_000))),
            5 => "null"u8.ToArray(),
            6 => "[]"u8.ToArray(),
            7 => "\"a string\""u8.ToArray(),
            8 => "12.5"u8.ToArray(),
            9 => "true"u8.ToArray(),
            _ => Encoding.UTF8.GetBytes(Fill(schema, random, 0)?.ToJsonString() ?? "null"),
        }, contentType);
    }

    /// <summary>A body shaped like the schema, each value now and then of the wrong type, extreme or missing.</summary>
    private static JsonNode? Fill(JsonNode? schema, Random random, int depth)
    {
        if (depth > 6 || random.Next(8) == 0)
        {
            return Junk(random);
        }

        var properties = schema?["properties"]?.AsObject();
        if (properties is not null)
        {
            var body = new JsonObject();
            foreach (var (name, property) in properties)
            {
                if (random.Next(6) != 0)
                {
                    body[name] = Fill(property, random, depth + 1);
                }
            }

            return body;
        }

        return TypeOf(schema) switch
        {
            "array" => new JsonArray(Enumerable.Range(0, random.Next(4)).Select(_ => (JsonNode?)Fill(schema!["items"], random, depth + 1)).ToArray()),
            "integer" or "number" => JsonValue.Create(random.Next(4) switch { 0 => -1, 1 => int.MaxValue, 2 => 0, _ => random.Next(1, 10) }),
            "boolean" => JsonValue.Create(random.Next(2) == 0),
            _ => JsonValue.Create(HostileText(random)),
        };
    }

    /// <summary>OpenAPI 3.1 types are a name or a list of names ("string", "null").</summary>
    private static string? TypeOf(JsonNode? schema) => schema?["type"] switch
    {
        JsonValue value => value.GetValue<string>(),
        JsonArray names => names.Select(x => (string?)x).FirstOrDefault(x => x != "null"),
        _ => null,
    };

    private static JsonNode? Junk(Random random) => random.Next(8) switch
    {
        6 or 7 => null,
        0 => JsonValue.Create(decimal.MaxValue),
        1 => new JsonArray(JsonValue.Create("a"), null, JsonValue.Create(1)),
        2 => new JsonObject { ["$type"] = "System.Object", ["__proto__"] = new JsonObject() },
        3 => JsonValue.Create(false),
        4 => JsonValue.Create(-0.000001m),
        _ => JsonValue.Create(HostileText(random)),
    };
}
