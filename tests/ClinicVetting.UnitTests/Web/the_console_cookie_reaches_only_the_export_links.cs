using ClinicVetting.Infrastructure.Web;
using Microsoft.AspNetCore.Http;

namespace ClinicVetting.UnitTests.Web;

/// <summary>The console's cookie authenticates the CSV downloads it links to, and nothing else of the API (no form elsewhere can ride it).</summary>
public class the_console_cookie_reaches_only_the_export_links
{
    private static HttpRequest Request(string method, string path, bool cookie = true, string? bearer = null)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = method;
        http.Request.Path = path;
        if (cookie)
        {
            http.Request.Headers.Cookie = $"{ConsoleSignIn.CookieName}=chunk";
        }

        if (bearer is not null)
        {
            http.Request.Headers.Authorization = $"Bearer {bearer}";
        }

        return http.Request;
    }

    [Theory]
    [InlineData("GET", "/api/audit/exports/cases.csv")]
    [InlineData("HEAD", "/api/audit/exports/events.csv")]
    public void a_download_link_followed_from_the_console_reads_the_cookie(string method, string path) =>
        ConsoleSignIn.ReadsWithConsoleCookie(Request(method, path)).ShouldBeTrue();

    [Theory]
    [InlineData("POST", "/api/audit/exports/cases.csv")]
    [InlineData("GET", "/api/audit/events")]
    [InlineData("GET", "/api/clinics")]
    [InlineData("POST", "/api/vetting/cases/1/approval")]
    [InlineData("GET", "/api/audit/exportsX/cases.csv")]
    public void any_other_request_is_read_with_its_bearer_token_only(string method, string path) =>
        ConsoleSignIn.ReadsWithConsoleCookie(Request(method, path)).ShouldBeFalse();

    [Fact]
    public void a_request_with_a_bearer_token_is_read_with_the_token_even_on_an_export() =>
        ConsoleSignIn.ReadsWithConsoleCookie(Request("GET", "/api/audit/exports/cases.csv", bearer: "token")).ShouldBeFalse();

    [Fact]
    public void without_the_cookie_an_export_answers_as_the_api_does() =>
        ConsoleSignIn.ReadsWithConsoleCookie(Request("GET", "/api/audit/exports/cases.csv", cookie: false)).ShouldBeFalse();

    [Theory]
    [InlineData("/console/cases/1", "/console/cases/1")]
    [InlineData("https://example.org/", "/console")]
    [InlineData("//example.org/console", "/console")]
    [InlineData("/console\\..\\x", "/console")]
    [InlineData(null, "/console")]
    public void a_sign_in_returns_only_into_the_console(string? returnUrl, string expected) =>
        ConsoleSignIn.SafeReturnUrl(returnUrl).ShouldBe(expected);
}
