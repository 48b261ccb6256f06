using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Alba;
using ClinicVetting.Infrastructure.Auth;
using ClinicVetting.IntegrationTests.Support;

namespace ClinicVetting.IntegrationTests.Platform;

/// <summary>A 404 tells the caller what was not found: the resource and the id it was asked by, or the address no route serves.</summary>
public class a_not_found_says_what_was_not_found(AppFixture fixture) : IntegrationContext(fixture)
{
    [Fact]
    public async Task a_missing_clinic_is_named_with_its_id()
    {
        var id = Guid.NewGuid();

        var result = await Call(Staff, s =>
        {
            s.Get.Url($"/api/clinics/{id}");
            s.StatusCodeShouldBe(404);
        });

        result.ShouldBeProblem(404).Detail.ShouldBe($"No clinic with id '{id}'.");
    }

    [Fact]
    public async Task an_address_no_route_serves_is_named()
    {
        var result = await Call(Staff, s =>
        {
            s.Get.Url("/api/clinic/everything");
            s.StatusCodeShouldBe(404);
        });

        result.ShouldBeProblem(404).Detail.ShouldNotBeNull().ShouldStartWith("Nothing at GET /api/clinic/everything");
    }

    /// <summary>
    /// Every operation of the OpenAPI document with an id in its path, asked at ids that do not exist (with every role, and its
    /// request example as the body): each 404 is documented, and its detail names the id it did not find.
    /// </summary>
    [Fact]
    public async Task every_operation_at_an_id_that_does_not_exist_says_which_id()
    {
        var everyone = Fixture.TokenFor("finder", Roles.All);
        var document = JsonNode.Parse((await Call(null, s => s.Get.Url("/openapi/v1.json"))).ReadAsText())!;
        var notFound = 0;
        var failures = new List<string>();
        foreach (var (route, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                if (!route.Contains('{'))
                {
                    continue;
                }

                var values = new List<string>();
                var url = Regex.Replace(route, "{([^}]+)}", match =>
                {
                    var value = match.Groups[1].Value switch
                    {
                        "check" => "license",
                        "country" => "TH",
                        "edition" => "987654",
                        "sha256" => new string('0', 64),
                        _ => Guid.NewGuid().ToString(),
                    };
                    values.Add(value);
                    return value;
                });
                var body = operation?["requestBody"]?["content"]?["application/json"]?["example"];
                var result = await Call(everyone, s =>
                {
                    var request = method switch
                    {
                        "get" => s.Get,
                        "delete" => s.Delete,
                        "put" => s.Put,
                        _ => s.Post,
                    };
                    if (body is not null && method is "post" or "put") request.Json(body).ToUrl(url);
                    else request.Url(url);
                    s.IgnoreStatusCode();
                });

                if (result.Context.Response.StatusCode != 404)
                {
                    continue;
                }

                notFound++;
                if (operation?["responses"]?["404"] is null)
                {
                    failures.Add($"{method.ToUpperInvariant()} {route}: answers 404, which its operation does not document");
                }

                var detail = JsonNode.Parse(result.ReadAsText())?["detail"]?.GetValue<string>();
                var named = values.Where(x => x != "license" && x != "TH").ToList();
                if (string.IsNullOrWhiteSpace(detail) || !named.Any(detail.Contains))
                {
                    failures.Add($"{method.ToUpperInvariant()} {url}: {result.ReadAsText()}");
                }
            }
        }

        notFound.ShouldBeGreaterThan(25, "operations that answer 404 at an id that does not exist");
        failures.ShouldBeEmpty();
    }
}
