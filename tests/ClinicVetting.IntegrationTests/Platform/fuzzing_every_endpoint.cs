using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using ClinicVetting.Infrastructure.Auth;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.IntegrationTests.Vetting;
using Marten;

namespace ClinicVetting.IntegrationTests.Platform;

/// <summary>
/// Thousands of malformed, oversized, wrongly typed and hostile requests, built from the OpenAPI document so every endpoint
/// gets them, sent with every role at once so authorization lets them through. None may answer 5xx, and none refused
/// may have written an event.
/// </summary>
public class fuzzing_every_endpoint(AppFixture fixture) : IntegrationContext(fixture)
{
    private const int RequestsPerOperation = 40;

    private sealed record Operation(string Method, string Route, IReadOnlyList<string> QueryParameters, JsonNode? BodySchema);

    [Theory]
    [InlineData(20261124)]
    [InlineData(7)]
    [InlineData(101)]
    public async Task no_input_makes_the_api_fail_or_write_half(int seed)
    {
        var random = new Random(seed);
        var everyone = Fixture.TokenFor("fuzzer", Roles.All);
        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today);
        var caseId = await Host.OpenCase(Staff, clinicId);
        var operations = await Operations();
        operations.Count.ShouldBeGreaterThan(40);

        var failures = new List<string>();
        foreach (var operation in operations)
        {
            for (var i = 0; i < RequestsPerOperation; i++)
            {
                var url = Url(operation, random, clinicId, caseId);
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

    private static string Url(Operation operation, Random random, Guid clinicId, Guid caseId)
    {
        string Pick(params string[] options) => options[random.Next(options.Length)];
        var path = operation.Route
            .Replace("{clinicId}", Pick(clinicId.ToString(), Guid.NewGuid().ToString(), "not-a-guid", "00000000-0000-0000-0000-000000000000"))
            .Replace("{caseId}", Pick(caseId.ToString(), Guid.NewGuid().ToString(), "x"))
            .Replace("{reviewId}", Pick(Guid.NewGuid().ToString(), "%20x"))
            .Replace("{proposalId}", Guid.NewGuid().ToString())
            .Replace("{claimId}", Guid.NewGuid().ToString())
            .Replace("{flagId}", Guid.NewGuid().ToString())
            .Replace("{check}", Pick("license", "medical-team", "LICENSE", "../../etc/passwd", "%20", new string('c', 300)))
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

    private static void Hostile(Scenario scenario, Random random)
    {
        switch (random.Next(8))
        {
            case 0: scenario.WithRequestHeader("If-Match", HostileText(random).Replace("\u0000", "")); break;
            case 1: scenario.WithRequestHeader("Idempotency-Key", random.Next(2) == 0 ? new string('k', 400) : "key with spaces"); break;
            case 2: scenario.WithRequestHeader("X-Correlation-ID", new string('c', 500)); break;
            case 3: scenario.WithRequestHeader("If-None-Match", "*"); break;
        }
    }

    private static (byte[] Body, string ContentType) Body(JsonNode? schema, Random random)
    {
        var contentType = random.Next(10) switch
        {
            0 => "text/plain",
            1 => "application/x-www-form-urlencoded",
            2 => "application/json; charset=utf-16",
            _ => "application/json",
        };

        return (random.Next(10) switch
        {
            0 => [],
            1 => [0xC3, 0x28, 0xFF, 0xFE, 0x00],
            2 => Encoding.UTF8.GetBytes("{\"name\": \"trunc"),
            3 => Encoding.UTF8.GetBytes(new string('[', 2000) + new string(']', 2000)),
            4 => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new string('z', 2_000_000))),
            _ => Encoding.UTF8.GetBytes(Fill(schema, random, 0).ToJsonString()),
        }, contentType);
    }

    /// <summary>A body shaped like the schema, each value now and then of the wrong type, extreme or missing.</summary>
    private static JsonNode Fill(JsonNode? schema, Random random, int depth)
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

    private static JsonNode Junk(Random random) => random.Next(6) switch
    {
        0 => JsonValue.Create(decimal.MaxValue),
        1 => new JsonArray(JsonValue.Create("a"), null, JsonValue.Create(1)),
        2 => new JsonObject { ["$type"] = "System.Object", ["__proto__"] = new JsonObject() },
        3 => JsonValue.Create(false),
        4 => JsonValue.Create(-0.000001m),
        _ => JsonValue.Create(HostileText(random)),
    };
}
