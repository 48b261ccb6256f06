using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using ClinicVetting.IntegrationTests.Clinics;
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
        var body = JsonSerializer.SerializeToNode(ClinicScenarios.AClinic(), new JsonSerializerOptions(JsonSerializerDefaults.Web))!.AsObject();
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

    [Fact]
    public async Task a_string_longer_than_its_max_length_is_refused_before_the_endpoint_runs()
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
