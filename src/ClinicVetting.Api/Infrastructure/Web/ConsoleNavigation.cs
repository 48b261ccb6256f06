using ClinicVetting.Infrastructure.Auth;

namespace ClinicVetting.Infrastructure.Web;

/// <summary>The console's menu: each link shown to the roles whose policy opens the page it leads to.</summary>
public static class ConsoleNavigation
{
    public static readonly IReadOnlyList<(string Href, string Label, string Policy)> Links =
    [
        ("/console", "Home", Policies.InternalRead),
    ];
}
