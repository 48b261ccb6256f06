using System.Text.Json;
using System.Text.Json.Serialization;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.Infrastructure.Http;
using ClinicVetting.Reviews;
using ClinicVetting.Shared;
using ClinicVetting.Vetting.Cases;

namespace ClinicVetting.IntegrationTests.Model;

/// <summary>
/// The model's "same key, another body" retry must reach the key's check: the other body differs, and the API's shape guard
/// accepts it as it accepts the first (a body it refuses as malformed answers 400 before any key is read).
/// </summary>
public class another_body_for_a_kept_key
{
    private static readonly JsonSerializerOptions Api = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
    };

    public static TheoryData<string, Type> Bodies => new()
    {
        { """{"clinicId":"0196f1a2-7c3e-7d41-9a55-2f0e8b1c4d6e"}""", typeof(OpenCaseInput) },
        { """{"outcome":"passed","source":"registryApi","reference":"https://registry.example/l/1","obtainedAt":"2030-01-02T00:00:00+00:00"}""", typeof(EvidenceBody) },
        { """{"issuedBy":"COFEPRIS","number":"L-1","validFrom":"2029-01-01","validUntil":"2031-01-01","documentUrl":"https://example.org/l.pdf"}""", typeof(LicenseInput) },
        { """{"reason":"Does not apply"}""", typeof(ReasonBody) },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public void the_other_body_differs_and_is_as_well_formed_as_the_first(string body, Type input)
    {
        var other = ModelRun.OtherBody(body);

        other.ShouldNotBe(body);
        Errors(body, input).ShouldBeEmpty();
        Errors(other, input).ShouldBeEmpty($"the other body {other} would be refused as malformed");
    }

    private static IDictionary<string, string[]> Errors(string json, Type input)
    {
        using var document = JsonDocument.Parse(json);
        return JsonBodyShape.Check(document.RootElement, input, Api).ToDictionary();
    }
}
