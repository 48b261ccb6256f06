using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Alba;
using ClinicVetting.IntegrationTests.Clinics;
using ClinicVetting.Infrastructure.Auth;
using ClinicVetting.Infrastructure.Http;
using ClinicVetting.IntegrationTests.Support;

namespace ClinicVetting.IntegrationTests.Platform;

/// <summary>Where the OpenAPI document promises a limit on what a client sends, the server refuses one past it (and takes one at it).</summary>
public class the_documented_limits_are_enforced(AppFixture fixture) : IntegrationContext(fixture)
{
    private async Task<JsonElement> Schema(string component, string property)
    {
        var result = await Call(null, s => s.Get.Url("/openapi/v1.json"));
        using var document = JsonDocument.Parse(result.ReadAsText());
        return document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty(component)
            .GetProperty("properties").GetProperty(property).Clone();
    }

    private static JsonObject Clinic(Action<JsonObject> change)
    {
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };
        var body = JsonSerializer.SerializeToNode(ClinicScenarios.AClinic(), json)!.AsObject();
        change(body);
        return body;
    }

    private async Task<Problem> Refused(JsonObject body, string field)
    {
        var result = await Call(Staff, s =>
        {
            s.Post.Json(body).ToUrl("/api/clinics");
            s.StatusCodeShouldBe(400);
        });
        var problem = result.ShouldBeProblem(400);
        problem.Errors.ShouldNotBeNull().Keys.ShouldContain(field);
        return problem;
    }

    /// <summary>
    /// One limit the document promises on a member of a request body, and the values at it and just past it. A format (uri,
    /// email) has no words of its own (each body says it its way): its Message is null, and any error on the member counts.
    /// </summary>
    private sealed record PromisedLimit(string Operation, string Method, string Url, string Field, string? Message, JsonObject AtLimit, JsonObject PastLimit);

    /// <summary>
    /// Every limit of its own that the document states on a member of a request body (maxLength, maxItems, minimum, maximum
    /// tighter than the global ones, the uri and email formats, and each entry's maxLength), found from each operation's request example: the example
    /// with that member just past the limit (or malformed) is a 400 naming the member with the limit the document states; at
    /// the limit (or well formed) it is not refused for the limit (it may be for something else: a URL of 2,000 letters is no URL).
    /// </summary>
    [Fact]
    public async Task every_field_limit_the_document_promises_is_enforced_at_the_limit_and_one_past_it()
    {
        var everyone = Fixture.TokenFor("limits", Roles.All);
        var document = JsonNode.Parse((await Call(null, s => s.Get.Url("/openapi/v1.json"))).ReadAsText())!;
        var limits = PromisedLimits(document).ToList();

        limits.Select(x => x.Operation).Distinct().Count().ShouldBeGreaterThan(20, "operations with a field limit of their own");
        limits.Count.ShouldBeGreaterThan(60);
        limits.Count(x => x.Message is null).ShouldBeGreaterThanOrEqualTo(16, "members with a uri or email format, or a limit on each entry");
        var failures = new List<string>();
        foreach (var limit in limits)
        {
            var past = await Call(everyone, s =>
            {
                Send(s, limit.Method, limit.PastLimit, limit.Url);
                s.IgnoreStatusCode();
            });
            var pastMessages = past.Context.Response.StatusCode == 400 ? ProblemOf(past)?.Errors?.GetValueOrDefault(limit.Field) : null;
            if (limit.Message is null ? pastMessages is not { Length: > 0 } : pastMessages?.Contains(limit.Message) != true)
            {
                failures.Add($"{limit.Operation} {limit.Field}: one past the limit answered {past.Context.Response.StatusCode}, not \"{limit.Message ?? "an error on the member"}\": {past.ReadAsText()}");
                continue;
            }

            var at = await Call(everyone, s =>
            {
                Send(s, limit.Method, limit.AtLimit, limit.Url);
                s.IgnoreStatusCode();
            });
            var atMessages = at.Context.Response.StatusCode == 400 ? ProblemOf(at)?.Errors?.GetValueOrDefault(limit.Field) : null;
            if (limit.Message is null ? atMessages is { Length: > 0 } : atMessages?.Contains(limit.Message) == true)
            {
                failures.Add($"{limit.Operation} {limit.Field}: at the limit it is refused for it: {limit.Message ?? string.Join("; ", atMessages!)}");
            }
        }

        failures.ShouldBeEmpty();
    }

    private static Problem? ProblemOf(IScenarioResult result) =>
        JsonSerializer.Deserialize<Problem>(result.ReadAsText(), new JsonSerializerOptions(JsonSerializerDefaults.Web));

    private static void Send(Scenario scenario, string method, JsonObject body, string url)
    {
        if (method == "put") scenario.Put.Json(body).ToUrl(url);
        else scenario.Post.Json(body).ToUrl(url);
    }

    private static IEnumerable<PromisedLimit> PromisedLimits(JsonNode document)
    {
        foreach (var (route, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                if (operation?["requestBody"]?["content"]?["application/json"] is not { } media || media["example"] is not JsonObject example)
                {
                    continue;
                }

                var name = $"{method.ToUpperInvariant()} {route}";
                var url = route.Replace("{check}", "license").Replace("{country}", "TH").Replace("{edition}", "1");
                url = System.Text.RegularExpressions.Regex.Replace(url, "{[^}]+}", _ => Guid.NewGuid().ToString());
                foreach (var (field, message, at, past) in Members(document, media["schema"], example, ""))
                {
                    var atBody = (JsonObject)example.DeepClone();
                    var pastBody = (JsonObject)example.DeepClone();
                    Set(atBody, field, at);
                    Set(pastBody, field, past);
                    yield return new PromisedLimit(name, method, url, field, message, atBody, pastBody);
                }
            }
        }
    }

    /// <summary>Each member with a limit of its own, by JSON path, with a value at the limit and one past it.</summary>
    private static IEnumerable<(string Field, string? Message, JsonNode At, JsonNode Past)> Members(JsonNode document, JsonNode? schema, JsonNode? example, string path)
    {
        schema = Resolve(document, schema);
        if (schema?["properties"] is not JsonObject properties || example is not JsonObject value)
        {
            yield break;
        }

        foreach (var (member, memberSchema) in properties)
        {
            var field = path.Length == 0 ? member : $"{path}.{member}";
            var resolved = Resolve(document, memberSchema);
            if (resolved is null) continue;
            var format = (string?)resolved["format"];
            if (resolved["maxLength"] is { } maxLength && (int)maxLength! < JsonBodyShape.MaxStringLength && format is null or "uri" or "email")
            {
                yield return (field, $"must be at most {maxLength} characters", new string('a', (int)maxLength!), new string('a', (int)maxLength! + 1));
            }

            if (format is "uri" or "email")
            {
                var wellFormed = value[member] is JsonValue given && given.GetValueKind() == JsonValueKind.String
                    ? given.DeepClone()
                    : JsonValue.Create(format == "uri" ? "https://registry.example/licences/4711" : "patient@mail.example");
                yield return (field, null, wellFormed, JsonValue.Create(format == "uri" ? "not a url" : "not-an-address"));
            }

            if (resolved["maxItems"] is { } maxItems && (int)maxItems! < JsonBodyShape.MaxArrayItems)
            {
                var entry = value[member] is JsonArray { Count: > 0 } entries ? entries[0]! : JsonValue.Create("orthopedics");
                yield return (field, $"must hold at most {maxItems} items", new JsonArray(Enumerable.Range(0, (int)maxItems!).Select(_ => entry.DeepClone()).ToArray()),
                    new JsonArray(Enumerable.Range(0, (int)maxItems! + 1).Select(_ => entry.DeepClone()).ToArray()));
            }

            if (Resolve(document, resolved["items"])?["maxLength"] is { } entryMaxLength && (int)entryMaxLength! < JsonBodyShape.MaxStringLength)
            {
                yield return (field, null, new JsonArray(JsonValue.Create(new string('a', (int)entryMaxLength!))),
                    new JsonArray(JsonValue.Create(new string('a', (int)entryMaxLength! + 1))));
            }

            var whole = resolved["type"]?.ToJsonString().Contains("integer") == true;
            if (resolved["minimum"] is { } minimum && resolved["maximum"] is { } maximum
                && decimal.Parse(minimum.ToString(), CultureInfo.InvariantCulture) is var min && min > int.MinValue
                && decimal.Parse(maximum.ToString(), CultureInfo.InvariantCulture) is var max && max < int.MaxValue)
            {
                var range = whole ? $"must be a whole number from {min:0} to {max:0}"
                    : $"must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}";
                yield return (field, range, JsonValue.Create(max), JsonValue.Create(whole ? max + 1 : max + 0.5m));
                yield return (field, range, JsonValue.Create(min), JsonValue.Create(whole ? min - 1 : min - 0.5m));
            }

            foreach (var nested in Members(document, resolved, value[member], field))
            {
                yield return nested;
            }

            if (resolved["items"] is { } items && value[member] is JsonArray { Count: > 0 } list)
            {
                foreach (var nested in Members(document, items, list[0], $"{field}[0]"))
                {
                    yield return nested;
                }
            }
        }
    }

    private static JsonNode? Resolve(JsonNode document, JsonNode? schema)
    {
        for (var depth = 0; depth < 5 && schema is not null; depth++)
        {
            if (schema["$ref"] is { } reference)
            {
                schema = document["components"]!["schemas"]![((string)reference!).Split('/').Last()];
            }
            else if ((schema["oneOf"] ?? schema["anyOf"]) is JsonArray variants)
            {
                schema = variants.FirstOrDefault(x => x?["$ref"] is not null || x?["properties"] is not null);
            }
            else
            {
                return schema;
            }
        }

        return schema;
    }

    /// <summary>Sets a member by its JSON path (<c>programs[0].name</c>).</summary>
    private static void Set(JsonObject body, string field, JsonNode value)
    {
        JsonNode node = body;
        var steps = field.Split('.');
        foreach (var step in steps[..^1])
        {
            node = Step(node, step);
        }

        var last = steps[^1];
        ((JsonObject)node)[last] = value.DeepClone();
    }

    private static JsonNode Step(JsonNode node, string step)
    {
        var bracket = step.IndexOf('[');
        return bracket < 0 ? node[step]! : node[step[..bracket]]![int.Parse(step[(bracket + 1)..^1])]!;
    }

    [Fact]
    public async Task a_string_longer_than_its_max_length_is_refused()
    {
        var maxLength = (await Schema("ClinicDetails", "name")).GetProperty("maxLength").GetInt32();

        var problem = await Refused(Clinic(x => x["name"] = new string('a', maxLength + 1)), "name");

        problem.Errors!["name"].ShouldBe([$"must be at most {maxLength} characters"]);
    }

    [Fact]
    public async Task an_array_with_more_than_its_max_items_is_refused()
    {
        var maxItems = (await Schema("ClinicDetails", "bestFor")).GetProperty("maxItems").GetInt32();

        var problem = await Refused(Clinic(x => x["bestFor"] = new JsonArray(Enumerable.Repeat<JsonNode?>("orthopedics", maxItems + 1).Select(v => v?.DeepClone()).ToArray())),
            "bestFor");

        problem.Errors!["bestFor"].ShouldBe([$"must hold at most {maxItems} items"]);
    }

    [Fact]
    public async Task a_whole_number_past_its_maximum_is_refused()
    {
        var maximum = long.Parse((await Schema("ClinicDetails", "yearsOfExperience")).GetProperty("maximum").ToString());

        await Refused(Clinic(x => x["yearsOfExperience"] = maximum + 1), "yearsOfExperience");
    }

    [Fact]
    public async Task a_query_value_longer_than_its_max_length_is_refused()
    {
        var result = await Call(null, s => s.Get.Url("/openapi/v1.json"));
        using var document = JsonDocument.Parse(result.ReadAsText());
        var q = document.RootElement.GetProperty("paths").GetProperty("/api/clinics").GetProperty("get").GetProperty("parameters")
            .EnumerateArray().Single(x => x.GetProperty("name").GetString() == "q");
        var maxLength = q.GetProperty("schema").GetProperty("maxLength").GetInt32();

        await Call(Staff, s =>
        {
            s.Get.Url($"/api/clinics?q={new string('a', maxLength)}");
            s.StatusCodeShouldBe(200);
        });
        var refused = await Call(Staff, s =>
        {
            s.Get.Url($"/api/clinics?q={new string('a', maxLength + 1)}");
            s.StatusCodeShouldBe(400);
        });
        refused.ShouldBeProblem(400).Errors.ShouldNotBeNull()["q"].ShouldBe([$"must be at most {maxLength} characters"]);
    }
}
