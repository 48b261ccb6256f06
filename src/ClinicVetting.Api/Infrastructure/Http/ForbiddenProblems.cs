using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;

namespace ClinicVetting.Infrastructure.Http;

/// <summary>A 403 for a role that may not call the endpoint says which roles may (<c>allowedRoles</c>), as problem details.</summary>
internal sealed class ForbiddenProblems : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext http, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        // The console's pages forbid the way cookies do (to the denied page); only API callers get problem details.
        if (!result.Forbidden || http.GetEndpoint()?.Metadata.GetMetadata<ClinicVetting.Infrastructure.Web.WebPageMetadata>() is not null)
        {
            await _default.HandleAsync(next, http, policy, result);
            return;
        }

        var roles = AllowedRoles(policy);
        var problem = Problems.Create(StatusCodes.Status403Forbidden, "Not allowed for your role",
            roles.Count > 0
                ? $"Only {string.Join(" or ", roles)} may do this; your token's roles are {RolesOf(http)}."
                : "Your token may not do this.", "forbidden");
        problem.Extensions["allowedRoles"] = roles;
        await Problems.Write(http, problem);
    }

    public static IReadOnlyList<string> AllowedRoles(AuthorizationPolicy policy) =>
        policy.Requirements.OfType<RolesAuthorizationRequirement>().SelectMany(x => x.AllowedRoles).Distinct().ToList();

    private static string RolesOf(HttpContext http)
    {
        var roles = http.User.FindAll("role").Select(x => x.Value).ToList();
        return roles.Count > 0 ? string.Join(", ", roles) : "none";
    }
}
