using Alba;
using ClinicVetting.Infrastructure.Auth;
using ClinicVetting.Infrastructure.Web;
using ClinicVetting.IntegrationTests.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ClinicVetting.IntegrationTests.Platform;

public class every_endpoint_has_an_explicit_policy(AppFixture fixture) : IntegrationContext(fixture)
{
    private IReadOnlyList<RouteEndpoint> Endpoints() => Host.Services.GetRequiredService<EndpointDataSource>()
        .Endpoints.OfType<RouteEndpoint>()
        .Where(x => !x.RoutePattern.RawText!.StartsWith("/__test"))
        // Pages have their own check (every_console_page_names_an_api_policy): they are not the API.
        .Where(x => !WebPages.IsWebPage(x))
        .ToList();

    private static IEnumerable<string> Methods(RouteEndpoint endpoint) =>
        endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];

    private static string Route(RouteEndpoint endpoint) => "/" + endpoint.RoutePattern.RawText!.TrimStart('/');

    [Fact]
    public void each_endpoint_names_one_of_our_policies_or_is_explicitly_anonymous()
    {
        var missing = Endpoints()
            .Where(endpoint =>
            {
                var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
                var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(x => x.Policy).ToList();
                return !anonymous && (policies.Count == 0 || policies.Any(p => p is null || !Policies.RolesOf.ContainsKey(p)));
            })
            .Select(endpoint => endpoint.DisplayName)
            .ToList();

        missing.ShouldBeEmpty();
    }

    [Fact]
    public void the_access_table_covers_every_endpoint_and_nothing_else()
    {
        var actual = Endpoints().SelectMany(e => Methods(e).Select(m => $"{m} {Route(e)}")).Distinct().Order().ToList();
        var table = EndpointAccessTable.Rows.Concat(EndpointAccessTable.Infrastructure)
            .Select(x => $"{x.Method} {x.Route}").Order().ToList();

        actual.ShouldBe(table);
    }

    [Fact]
    public void public_rows_are_the_anonymous_endpoints_and_the_rest_name_a_policy_with_exactly_the_allowed_roles()
    {
        foreach (var endpoint in Endpoints())
        {
            foreach (var method in Methods(endpoint))
            {
                var row = EndpointAccessTable.Rows.Concat(EndpointAccessTable.Infrastructure)
                    .Single(x => x.Method == method && x.Route == Route(endpoint));
                var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
                anonymous.ShouldBe(row.Public, row.ToString());
                if (!anonymous)
                {
                    var policy = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Single().Policy!;
                    Policies.RolesOf[policy].Order().ShouldBe(row.Allowed.Order(), row.ToString());
                }
            }
        }
    }
}
