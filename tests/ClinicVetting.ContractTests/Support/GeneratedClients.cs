using ClinicVetting.ContractTests.GeneratedClient;
using ClinicVetting.Testing;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace ClinicVetting.ContractTests.Support;

/// <summary>The client Kiota generates from the committed contract (obj/.../GeneratedClient), pointed at the live app.</summary>
public static class GeneratedClients
{
    /// <param name="bearerToken">From <see cref="LiveApp.TokenFor"/>; none for an anonymous caller.</param>
    public static ClinicVettingClient For(LiveApp app, string? bearerToken = null)
    {
        IAuthenticationProvider authentication = bearerToken is null
            ? new AnonymousAuthenticationProvider()
            : new BaseBearerTokenAuthenticationProvider(new StaticToken(bearerToken));
        var adapter = new HttpClientRequestAdapter(authentication, httpClient: app.CreateClient())
        {
            // Set before the client is made: otherwise it takes the document's `servers` entry.
            BaseUrl = app.BaseAddress.ToString().TrimEnd('/'),
        };
        return new ClinicVettingClient(adapter);
    }

    private sealed class StaticToken(string token) : IAccessTokenProvider
    {
        public AllowedHostsValidator AllowedHostsValidator { get; } = new();

        public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null,
            CancellationToken cancellationToken = default) => Task.FromResult(token);
    }
}
