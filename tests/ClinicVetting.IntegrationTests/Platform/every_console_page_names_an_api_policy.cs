using ClinicVetting.Infrastructure.Auth;
using ClinicVetting.Infrastructure.Web;
using ClinicVetting.IntegrationTests.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ClinicVetting.IntegrationTests.Platform;

/// <summary>The console's pages are guarded by the API's own policies, read from the console's cookie.</summary>
public class every_console_page_names_an_api_policy(AppFixture fixture) : IntegrationContext(fixture)
{
    /// <summary>The only console routes a stranger may open: the way in, and the page that says a role is missing.</summary>
    private static readonly string[] OpenToAnyone = ["/console/sign-in", "/console/sign-in/external", "/console/denied"];

    private IReadOnlyList<RouteEndpoint> ConsoleEndpoints() => Host.Services.GetRequiredService<EndpointDataSource>()
        .Endpoints.OfType<RouteEndpoint>()
        .Where(x => ("/" + x.RoutePattern.RawText!.TrimStart('/')).StartsWith(WebPages.ConsolePath))
        .ToList();

    [Fact]
    public void each_console_page_reads_the_console_cookie_and_names_one_of_our_policies()
    {
        ConsoleEndpoints().Count.ShouldBeGreaterThan(OpenToAnyone.Length);
        var wrong = ConsoleEndpoints()
            .Where(endpoint => !OpenToAnyone.Contains("/" + endpoint.RoutePattern.RawText!.TrimStart('/')))
            .Where(endpoint =>
            {
                var authorize = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>();
                var policies = authorize.Select(x => x.Policy).Where(x => x is not null).ToList();
                var cookie = authorize.Any(x => x.AuthenticationSchemes == ConsoleSignIn.Scheme);
                var signOut = endpoint.RoutePattern.RawText == "/console/sign-out";
                return endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null || !cookie
                       || (!signOut && (policies.Count != 1 || !Policies.RolesOf.ContainsKey(policies[0]!)));
            })
            .Select(endpoint => endpoint.DisplayName)
            .ToList();

        wrong.ShouldBeEmpty();
    }

    [Fact]
    public void only_the_way_in_is_open_to_anyone()
    {
        ConsoleEndpoints()
            .Where(endpoint => endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            .Select(endpoint => "/" + endpoint.RoutePattern.RawText!.TrimStart('/'))
            .Distinct().Order()
            .ShouldBe(OpenToAnyone.Order());
    }
}
