using System.Text.Json;
using ClinicVetting.Infrastructure.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace ClinicVetting.Demo;

/// <summary>
/// Once the server listens (scripts/run turns it on): the URLs and a development token per role,
/// printed like `supabase start` does and written to .data/dev-tokens.json.
/// </summary>
public sealed class DevBanner(IHostApplicationLifetime lifetime, IServer server, TokenIssuer issuer, AppOptions options, IHostEnvironment environment,
    IConfiguration configuration)
    : IHostedService
{
    public static readonly IReadOnlyDictionary<string, string> DevUsers = new Dictionary<string, string>
    {
        [Roles.Staff] = "dev-staff",
        [Roles.Approver] = "dev-approver",
        [Roles.Auditor] = "dev-auditor",
        [Roles.Booking] = "dev-booking-system",
    };

    public Task StartAsync(CancellationToken cancellation)
    {
        if (options.PrintDevBanner && issuer.CanIssue)
        {
            lifetime.ApplicationStarted.Register(Print);
        }

        return Task.CompletedTask;
    }

    private void Print()
    {
        var listening = (server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://127.0.0.1:5080")
            .Replace("0.0.0.0", "127.0.0.1").Replace("[::]", "127.0.0.1").Replace("://+", "://127.0.0.1");
        // In a container the address it listens on is not the one published: ClinicVetting__PublicUrl says that one.
        var baseUrl = (options.PublicUrl.Length > 0 ? options.PublicUrl : listening).TrimEnd('/');
        var tokens = DevUsers.ToDictionary(x => x.Key, x => issuer.Issue(x.Value, [x.Key], TimeSpan.FromDays(30)));

        var directory = options.ResolveDataDirectory(environment.ContentRootPath);
        Directory.CreateDirectory(directory);
        var tokenFile = Path.Combine(directory, "dev-tokens.json");
        File.WriteAllText(tokenFile, JsonSerializer.Serialize(tokens, new JsonSerializerOptions { WriteIndented = true }));

        var lines = new List<string>
        {
            "",
            "ClinicVetting is running.",
            "",
            $"        API URL: {baseUrl}",
            $"    Console URL: {baseUrl}/console (sign in as a development identity: staff, approver, a second approver, auditor)",
            $"   OpenAPI spec: {baseUrl}/openapi/v1.json",
            $"       API page: {baseUrl}/docs",
            $"         Health: {baseUrl}/health/ready",
            $"  Public ranking: {baseUrl}/api/public/rankings",
            $"    Public page: {baseUrl}/  (methodology {baseUrl}/methodology, edition history {baseUrl}/editions)",
            "",
        };
        if (configuration["Notifications:MailCatcherUrl"] is { Length: > 0 } mailCatcher)
        {
            lines.Insert(lines.Count - 1, $"   Mail catcher: {mailCatcher} (the notices e-mailed to clinics)");
        }

        lines.AddRange(tokens.Select(x => $"{x.Key,9} token: {x.Value}"));
        lines.Add("");
        lines.Add($"Tokens are also in {tokenFile}; try:");
        lines.Add($"  curl -H \"Authorization: Bearer $(jq -r .staff {tokenFile})\" {baseUrl}/api/clinics");
        lines.Add("");
        Console.Out.WriteLine(string.Join(Environment.NewLine, lines));
        Console.Out.Flush();
    }

    public Task StopAsync(CancellationToken cancellation) => Task.CompletedTask;
}
