using Alba;
using ClinicVetting.Infrastructure.Auth;
using ClinicVetting.IntegrationTests.Support;

namespace ClinicVetting.IntegrationTests.Platform;

public class each_role_can_do_what_it_should_and_nothing_else(AppFixture fixture) : IntegrationContext(fixture)
{
    public static IEnumerable<object[]> Cases() =>
        from row in EndpointAccessTable.Rows
        from caller in Roles.All.Append(EndpointAccessTable.Anonymous)
        select new object[] { row.Method, row.Route, caller };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task access(string method, string route, string caller)
    {
        var row = EndpointAccessTable.Rows.Single(x => x.Method == method && x.Route == route);
        var url = route
            .Replace("{clinicId}", Guid.NewGuid().ToString())
            .Replace("{caseId}", Guid.NewGuid().ToString())
            .Replace("{claimId}", Guid.NewGuid().ToString())
            .Replace("{flagId}", Guid.NewGuid().ToString())
            .Replace("{check}", "license")
            .Replace("{evidenceId}", Guid.NewGuid().ToString())
            .Replace("{sha256}", new string('a', 64))
            .Replace("{subscriberId}", Guid.NewGuid().ToString())
            .Replace("{deliveryId}", Guid.NewGuid().ToString())
            .Replace("{country}", "MX")
            .Replace("{reviewId}", Guid.NewGuid().ToString())
            .Replace("{proposalId}", Guid.NewGuid().ToString())
            .Replace("{edition}", "1");
        var token = caller == EndpointAccessTable.Anonymous ? null : Fixture.TokenFor($"someone-{caller}", caller);

        var result = await Call(token, s =>
        {
            var target = method switch
            {
                "GET" => s.Get,
                "POST" => s.Post,
                "PUT" => s.Put,
                "DELETE" => s.Delete,
                "PATCH" => s.Patch,
                _ => throw new NotSupportedException(method),
            };
            if (method is "GET" or "DELETE")
            {
                target.Url(url);
            }
            else
            {
                s.RawJson("{}").ToUrl(url);
                s.ConfigureHttpContext(http => http.Request.Method = method);
            }

            s.IgnoreStatusCode();
        });

        var status = result.Context.Response.StatusCode;
        if (row.Allowed.Contains(caller))
        {
            status.ShouldNotBeOneOf([401, 403], $"{caller} should be allowed on {row}");
            status.ShouldBeLessThan(500);
        }
        else if (caller == EndpointAccessTable.Anonymous)
        {
            result.ShouldBeProblem(401);
        }
        else
        {
            result.ShouldBeProblem(403);
        }
    }
}
