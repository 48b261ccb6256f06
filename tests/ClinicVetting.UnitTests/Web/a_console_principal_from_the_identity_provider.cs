using System.Security.Claims;
using ClinicVetting.Infrastructure.Auth;
using ClinicVetting.Infrastructure.Web;

namespace ClinicVetting.UnitTests.Web;

/// <summary>What an OpenID Connect sign-in leaves in the console's cookie: the person as the API names them, and only our roles.</summary>
public class a_console_principal_from_the_identity_provider
{
    private static readonly ConsoleOptions.OpenIdConnectSettings Settings = new()
    {
        RoleClaim = "groups",
        RoleMap = new() { ["vetting-team"] = Roles.Staff, ["vetting-leads"] = Roles.Approver },
    };

    private static ClaimsPrincipal External(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(x => new Claim(x.Type, x.Value)), "oidc"));

    [Fact]
    public void is_named_by_sub_as_the_api_tokens_are_so_four_eyes_sees_one_person()
    {
        var principal = ConsoleSignIn.ConsolePrincipal(External(("sub", "u-123"), ("name", "Ana Ruiz"), ("groups", "vetting-leads")), Settings);

        principal.Identity!.Name.ShouldBe("u-123");
        principal.FindFirst("name")!.Value.ShouldBe("Ana Ruiz");
        principal.IsInRole(Roles.Approver).ShouldBeTrue();
    }

    [Fact]
    public void keeps_only_our_console_roles_mapped_or_named_as_ours()
    {
        var principal = ConsoleSignIn.ConsolePrincipal(External(("sub", "u-9"), ("groups", "vetting-team"), ("groups", "auditor"),
            ("groups", "booking"), ("groups", "admins")), Settings);

        principal.FindAll("role").Select(x => x.Value).Order().ShouldBe([Roles.Auditor, Roles.Staff]);
    }

    [Fact]
    public void a_token_without_the_name_claim_signs_nobody_in() =>
        Should.Throw<InvalidOperationException>(() => ConsoleSignIn.ConsolePrincipal(External(("name", "No Subject")), Settings));
}
