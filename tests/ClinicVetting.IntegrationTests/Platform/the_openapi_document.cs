using System.Text.Json;
using Alba;
using ClinicVetting.IntegrationTests.Support;

namespace ClinicVetting.IntegrationTests.Platform;

public class the_openapi_document(AppFixture fixture) : IntegrationContext(fixture)
{
    [Fact]
    public async Task lists_every_api_endpoint_with_its_shapes_anonymously()
    {
        var result = await Call(null, s =>
        {
            s.Get.Url("/openapi/v1.json");
            s.StatusCodeShouldBe(200);
        });
        using var document = JsonDocument.Parse(result.ReadAsText());
        var paths = document.RootElement.GetProperty("paths");

        foreach (var row in EndpointAccessTable.Rows)
        {
            paths.TryGetProperty(row.Route, out var path).ShouldBeTrue($"{row.Route} is missing");
            path.TryGetProperty(row.Method.ToLowerInvariant(), out var operation).ShouldBeTrue($"{row} is missing");
            operation.GetProperty("responses").EnumerateObject().ShouldNotBeEmpty(row.ToString());
            if (row.Method is "POST" or "PUT" && row.HasBody)
            {
                operation.TryGetProperty("requestBody", out _).ShouldBeTrue($"{row} has no request body");
            }
        }

        document.RootElement.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("bearer", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task the_interactive_api_page_is_served()
    {
        var page = await Call(null, s =>
        {
            s.Get.Url("/docs/");
            s.StatusCodeShouldBe(200);
        });
        page.ReadAsText().ShouldContain("ClinicVetting API");
    }
}
