using JasperFx.CommandLine;

namespace ClinicVetting.Infrastructure.Auth;

public class DevTokenInput : NetCoreInput
{
    [Description("Role or comma-separated roles: staff, approver, auditor, booking")]
    public string RoleFlag { get; set; } = Roles.Staff;

    [Description("The user's name (the token's subject)")]
    public string NameFlag { get; set; } = "";

    [Description("Lifetime in days")]
    public int DaysFlag { get; set; } = 30;
}

[Description("Prints a development bearer token signed with the local key", Name = "dev-token")]
public class DevTokenCommand : JasperFxCommand<DevTokenInput>
{
    public override bool Execute(DevTokenInput input)
    {
        var roles = input.RoleFlag.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = roles.Except(Roles.All).ToArray();
        if (roles.Length == 0 || unknown.Length > 0)
        {
            Console.Error.WriteLine($"Unknown role(s): {string.Join(", ", unknown)}. Known: {string.Join(", ", Roles.All)}.");
            return false;
        }

        using var host = input.BuildHost();
        var issuer = host.Services.GetRequiredService<TokenIssuer>();
        var name = string.IsNullOrWhiteSpace(input.NameFlag) ? $"dev-{roles[0]}" : input.NameFlag;
        Console.WriteLine(issuer.Issue(name, roles, TimeSpan.FromDays(input.DaysFlag)));
        return true;
    }
}
