using System.Text.Json.Nodes;
using Alba;
using ClinicVetting.IntegrationTests.Clinics;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.IntegrationTests.Vetting;

namespace ClinicVetting.IntegrationTests.Platform;

/// <summary>
/// Bodies and query values that do not have the shape the endpoint binds to are a 400 naming the field (and, for a
/// vocabulary, what it may be), before the endpoint runs: never a 500, never a .NET type name, never a write.
/// </summary>
public class refusing_bad_input(AppFixture fixture) : IntegrationContext(fixture)
{
    private Task<IScenarioResult> Send(string token, string method, string url, string body) => Call(token, s =>
    {
        s.RawJson(body).ToUrl(url);
        s.ConfigureHttpContext(http => http.Request.Method = method);
        s.IgnoreStatusCode();
    });

    private async Task<Problem> Refused(string token, string method, string url, string body)
    {
        var result = await Send(token, method, url, body);
        var problem = result.ShouldBeProblem(400);
        result.ReadAsText().ShouldNotContain("ClinicVetting.", Case.Sensitive, "a .NET type name leaked into the answer");
        return problem;
    }

    [Theory]
    [InlineData("null", "null")]
    [InlineData("[]", "an array")]
    [InlineData("[{\"reason\": \"x\"}]", "an array")]
    [InlineData("\"reason\"", "a string")]
    [InlineData("42", "a number")]
    [InlineData("true", "a boolean")]
    public async Task a_body_that_is_not_a_json_object_is_a_400_on_every_kind_of_write(string body, string kind)
    {
        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today);
        var caseId = await Host.OpenCase(Staff, clinicId);
        var events = await DomainEventCount();

        foreach (var (method, url) in new[]
                 {
                     ("POST", "/api/clinics"),
                     ("PUT", $"/api/clinics/{clinicId}"),
                     ("PUT", $"/api/clinics/{clinicId}/claims/medical-evaluation"),
                     ("PUT", $"/api/clinics/{clinicId}/claims/aftercare"),
                     ("POST", $"/api/vetting/cases/{caseId}/checks/license/evidence"),
                     ("POST", $"/api/vetting/cases/{caseId}/checks/license/waiver"),
                     ("PUT", "/api/ranking/policy"),
                     ("PUT", "/api/reference/vetting-rules"),
                 })
        {
            var token = method == "PUT" && url.StartsWith("/api/r") || url.EndsWith("waiver") ? Approver : Staff;
            var problem = await Refused(token, method, url, body);
            problem.Errors.ShouldNotBeNull($"{method} {url}")["$"].ShouldBe([$"must be a JSON object, not {kind}"]);
        }

        (await DomainEventCount()).ShouldBe(events);
    }

    [Fact]
    public async Task a_null_or_missing_value_the_endpoint_needs_is_a_field_error()
    {
        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today);
        var caseId = await Host.OpenCase(Staff, clinicId);

        var evidence = await Refused(Staff, "POST", $"/api/vetting/cases/{caseId}/checks/license/evidence",
            """{"outcome": "passed", "source": "document", "reference": null}""");
        evidence.Errors!["reference"].ShouldBe(["must not be null"]);
        evidence.Errors["obtainedAt"].ShouldBe(["is required"]);

        // Left out, an outcome would have bound as the enum's first value: evidence that the check passed.
        var silent = await Refused(Staff, "POST", $"/api/vetting/cases/{caseId}/checks/license/evidence",
            """{"reference": "https://registry.example/LIC-1", "obtainedAt": "2026-01-15T09:30:00Z"}""");
        silent.Errors!.Keys.ShouldBe(["outcome", "source"], ignoreOrder: true);

        var clinic = await Refused(Staff, "POST", "/api/clinics",
            """{"name": "Nulls", "city": "Cancún", "country": "MX", "costRange": {"min": null}, "programs": [null], "bestFor": [null]}""");
        clinic.Errors!.Keys.ShouldBe(["costRange.min", "programs[0]", "bestFor[0]"], ignoreOrder: true);

        var policy = await Refused(Approver, "PUT", "/api/ranking/policy", """{"policy": null, "reason": "tidy up"}""");
        policy.Errors!["policy"].ShouldBe(["must not be null"]);

        var rules = await Refused(Approver, "PUT", "/api/reference/vetting-rules", """{"rules": {"cellTypes": null}, "reason": "tidy up"}""");
        rules.Errors!["rules.cellTypes"].ShouldBe(["must not be null"]);
    }

    [Fact]
    public async Task a_value_of_the_wrong_type_names_the_field_and_what_it_must_be()
    {
        var clinicId = (await Host.RegisterClinic(Staff)).Id;

        var therapy = await Refused(Staff, "POST", $"/api/clinics/{clinicId}/claims/therapies",
            """{"condition": "orthopedics", "cellType": "mesenchymal", "source": 1, "route": "up the nose", "inRegisteredTrial": "yes"}""");

        therapy.Errors!["route"].ShouldBe(["must be one of: localInjection, intramuscular, intravenous, intrathecal, surgical, other"]);
        therapy.Errors["source"].ShouldBe(["must be one of: autologous, allogeneic"]);
        therapy.Errors["inRegisteredTrial"].ShouldBe(["must be true or false, not a string"]);

        var license = await Refused(Staff, "POST", $"/api/clinics/{clinicId}/claims/licenses",
            """{"issuedBy": ["COFEPRIS"], "number": 42, "validFrom": "2025-13-45", "validUntil": "tomorrow"}""");
        license.Errors!.Keys.ShouldBe(["issuedBy", "number", "validFrom", "validUntil"], ignoreOrder: true);
        license.Errors["validFrom"].ShouldBe(["must be a date as yyyy-MM-dd, for example 2025-01-31"]);

        var member = await Refused(Staff, "POST", $"/api/clinics/{clinicId}/claims/team-members",
            """{"name": "Dr. Ruiz", "specialty": "Orthopedics", "yearsOfExperience": 1e400}""");
        member.Errors!["yearsOfExperience"].ShouldBe(["must be a whole number from -2147483648 to 2147483647"]);
    }

    [Theory]
    [InlineData("{\"name\": ", "bad-request")]
    [InlineData("{\"name\": \"x\"} trailing", "bad-request")]
    [InlineData("", "validation")]
    public async Task json_that_does_not_parse_is_a_400_of_the_apis_own_kind(string body, string type) =>
        (await Refused(Staff, "POST", "/api/clinics", body)).Type.ShouldBe(ClinicVetting.Infrastructure.Http.Problems.TypeBase + type);

    [Fact]
    public async Task a_query_value_outside_its_vocabulary_names_the_allowed_values()
    {
        foreach (var (url, field, message) in new[]
                 {
                     ("/api/vetting/cases?status=nonsense", "status", "must be one of: open, approved, rejected"),
                     ("/api/vetting/cases?status=1", "status", "must be one of: open, approved, rejected"),
                     ("/api/reviews?status=lost", "status", "must be one of: pending, held, published, rejected"),
                     ("/api/clinics?status=9", "status", "must be one of: registered, underVetting, approved, rejected, suspended"),
                     ("/api/vetting/cases?clinicId=not-a-guid", "clinicId", "must be a UUID"),
                     ("/api/reviews/fairness-report?from=yesterday", "from", "must be a date as yyyy-MM-dd"),
                 })
        {
            var result = await Call(Auditor, s =>
            {
                s.Get.Url(url);
                s.IgnoreStatusCode();
            });
            result.ShouldBeProblem(400).Errors.ShouldNotBeNull(url)[field].ShouldBe([message], url);
            result.ReadAsText().ShouldNotContain("ClinicVetting.", Case.Sensitive);
        }
    }

    /// <summary>Every list of the API that pages, found in the OpenAPI document: none clamps what it is asked for.</summary>
    [Fact]
    public async Task paging_outside_its_range_is_a_400_on_every_list_that_pages()
    {
        var clinicId = (await Host.RegisterClinic(Staff)).Id;
        var document = JsonNode.Parse((await Call(null, s => s.Get.Url("/openapi/v1.json"))).ReadAsText())!;
        var paged = document["paths"]!.AsObject()
            .Where(path => path.Value!["get"]?["parameters"]?.AsArray().Any(p => (string?)p!["name"] == "pageSize") == true)
            .Select(path => path.Key.Replace("{clinicId}", clinicId.ToString()))
            .ToList();
        paged.Count.ShouldBeGreaterThanOrEqualTo(6);

        foreach (var route in paged)
        {
            foreach (var (query, field) in new[]
                     {
                         ("pageSize=-5", "pageSize"), ("pageSize=0", "pageSize"), ("pageSize=101", "pageSize"),
                         ("pageSize=99999999999", "pageSize"), ("pageSize=abc", "pageSize"), ("page=-1", "page"), ("page=0", "page"),
                     })
            {
                var result = await Call(Auditor, s =>
                {
                    s.Get.Url($"{route}?{query}");
                    s.IgnoreStatusCode();
                });
                result.ShouldBeProblem(400).Errors.ShouldNotBeNull($"{route}?{query}")[field]
                    .ShouldBe([field == "page" ? "must be a whole number from 1 to 100000" : "must be a whole number from 1 to 100"]);
            }

            await Call(Auditor, s => s.Get.Url($"{route}?page=1&pageSize=100"));
        }
    }

    [Theory]
    [InlineData("?condition=nonsense", "nonsense")]
    [InlineData("?condition=knee%20pain", "knee pain")]
    [InlineData("?country=ZZ", "ZZ")]
    [InlineData("?country=Mexico", "Mexico")]
    public async Task a_public_list_that_cannot_exist_is_a_404_naming_what_does(string query, string asked)
    {
        var result = await Call(null, s =>
        {
            s.Get.Url("/api/public/rankings" + query);
            s.IgnoreStatusCode();
        });

        var problem = result.ShouldBeProblem(404);
        problem.Title.ShouldBe("No such ranking list");
        problem.Detail.ShouldNotBeNull().ShouldContain($"'{asked}'");
        problem.Detail.ShouldContain(query.StartsWith("?condition") ? "orthopedics" : "ISO 3166-1 alpha-2");
    }
}
